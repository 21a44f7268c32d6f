"""A service database for tests that need their own tables beside the platform's: the tables
go in as the one numbered migration of a directory under the test's tmp_path, as a service's
migrations would."""

from __future__ import annotations

from pathlib import Path

from homefield.runtime.sqlite_store import SqliteDatabase


def migrations_of(directory: Path, sql: str) -> Path:
    """``directory``/migrations holding ``sql`` as migration 0001; returns the directory."""
    migrations = directory / "migrations"
    migrations.mkdir(parents=True, exist_ok=True)
    (migrations / "0001.test-tables.sql").write_text(sql)
    return migrations


def sqlite_database(directory: Path, *, topic: str, tables: str = "") -> SqliteDatabase:
    """An open SQLite store in ``directory`` with the platform's tables and ``tables``."""
    migrations = [migrations_of(directory, tables)] if tables else []
    database = SqliteDatabase(directory / "service.sqlite3", topic=topic, migrations=migrations)
    database.open()
    return database
