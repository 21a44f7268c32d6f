"""The SQLite store: one file per service in WAL mode, one connection, one writer process.

The event loop is the only user of the connection, so ``BEGIN IMMEDIATE`` never waits on this
process, and its relay delivers every outbox row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from homefield.runtime.db import MIGRATIONS, Database, OutboxRow, Seed, Transaction
from homefield.runtime.migrations import migrate

# Every service's connection: WAL, a sync at checkpoints only, foreign keys, waits for a lock.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


def platform_schema() -> str:
    """The platform's tables as the SQLite migrations create them (for benchmarks' baselines)."""
    return "".join(path.read_text() for path in sorted((MIGRATIONS / "sqlite").glob("*.sql")))


class SqliteDatabase(Database):
    store = "sqlite"

    def __init__(
        self,
        path: Path,
        *,
        topic: str,
        migrations: Sequence[Path] = (),
        seed: Seed | None = None,
    ) -> None:
        super().__init__(topic=topic, migrations=migrations, seed=seed)
        if str(path) == ":memory:":
            raise ValueError("SQLite needs a file (migrations and the service share it)")
        self.path = path
        self.location = str(path)
        self._conn: sqlite3.Connection | None = None

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        migrate(f"sqlite:///{self.path}", self._migrations)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in PRAGMAS:
            conn.execute(pragma)
        self._conn = conn
        self._seed_once()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError(f"database {self.path} is not open")
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        tx = Transaction(conn, self._topic)
        try:
            yield tx
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        self._committed(tx)

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        yield Transaction(self.conn, self._topic)

    def is_reachable(self) -> bool:
        try:
            self.conn.execute("SELECT 1").fetchone()
        except (sqlite3.Error, RuntimeError):
            return False
        return True

    def claim_outbox(self) -> None:
        """One writer: its relay delivers every row."""

    def pending_outbox(self, limit: int) -> list[OutboxRow]:
        rows = self.conn.execute(
            "SELECT id, topic, key, ce_id, ce_type, ce_time, traceparent, payload"
            " FROM outbox ORDER BY id LIMIT ?",
            (limit,),
        ).fetchall()
        return [OutboxRow(*row) for row in rows]

    def outbox_backlog(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def oldest_outbox_time(self) -> str | None:
        row = self.conn.execute("SELECT ce_time FROM outbox ORDER BY id LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def outbox_written_before(self, cutoff: str, *, after_id: int) -> tuple[int, int]:
        count, last = self.conn.execute(
            "SELECT COUNT(*), COALESCE(MAX(id), ?) FROM outbox WHERE id > ? AND ce_time < ?",
            (after_id, after_id, cutoff),
        ).fetchone()
        return int(count), int(last)

    def size_bytes(self) -> float:
        """Bytes on disk: the database file and its write-ahead log."""
        files = (self.path, self.path.with_name(self.path.name + "-wal"))
        return float(sum(f.stat().st_size for f in files if f.is_file()))
