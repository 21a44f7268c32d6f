"""Numbered schema migrations, applied at start with yoyo-migrations.

Each store has the platform's own set (``runtime/migrations/<store>/``); a service adds its set
(``src/<svc>/migrations/``), whose SQL both stores run. yoyo records what it applied in each
database, so a start applies only what is new. Several PostgreSQL replicas starting together
take turns under an advisory lock, which PostgreSQL releases by itself if the holder dies (yoyo's
own lock is a table row, which a replica killed mid-migration would leave behind).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from yoyo import get_backend, read_migrations

# pg_advisory_lock key of the migration step (any constant the outbox buckets do not use).
MIGRATION_LOCK = 0x686D6967


class MigrationError(RuntimeError):
    """A migration directory is missing or a migration failed; the message names it."""


def migrate(url: str, sources: Sequence[Path]) -> list[str]:
    """Apply the migrations in ``sources`` (in that order) not yet applied; return their ids."""
    missing = [str(path) for path in sources if not path.is_dir()]
    if missing:
        raise MigrationError(f"no migration directory {', '.join(missing)}")
    postgres = url.startswith(("postgresql://", "postgres://"))
    backend = get_backend(("postgresql+psycopg://" + url.split("://", 1)[1]) if postgres else url)
    try:
        migrations = read_migrations(*(str(path) for path in sources))
        if postgres:
            backend.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
            try:
                return _apply(backend, migrations)
            finally:
                backend.execute(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
        return _apply(backend, migrations)  # one process per SQLite file: nothing to wait for
    finally:
        backend.connection.close()


def _apply(backend: object, migrations: object) -> list[str]:
    pending = backend.to_apply(migrations)  # type: ignore[attr-defined]
    for migration in pending:
        try:
            backend.apply_one(migration)  # type: ignore[attr-defined]
        except Exception as exc:  # the driver's error, whichever store: name the migration
            raise MigrationError(f"migration {migration.id} failed: {exc}") from exc
    return [migration.id for migration in pending]
