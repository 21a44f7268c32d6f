"""A service's own SQLite database (WAL), with the platform's outbox and processed-event tables.

All access happens on the event loop thread and a transaction never awaits, so the outbox row,
the processed ``ce_id`` and the domain change always commit together or not at all.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from google.protobuf.message import Message

from homefield.runtime.tracing import current_traceparent

PLATFORM_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    ce_id TEXT NOT NULL UNIQUE,
    ce_type TEXT NOT NULL,
    ce_time TEXT NOT NULL,
    traceparent TEXT NOT NULL,
    payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS processed_events (
    ce_id TEXT PRIMARY KEY,
    processed_at TEXT NOT NULL
);
"""

# Every service's connection: WAL, a sync at checkpoints only, foreign keys, waits for a lock.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)

INSERT_OUTBOX = (
    "INSERT INTO outbox (topic, key, ce_id, ce_type, ce_time, traceparent, payload)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    topic: str
    key: str
    ce_id: str
    ce_type: str
    ce_time: str
    traceparent: str
    payload: bytes


def utc_now() -> str:
    return utc_text(datetime.now(UTC))


def utc_text(moment: datetime) -> str:
    """``moment`` as the outbox writes ``ce_time``: RFC 3339 in UTC, microseconds, ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class Transaction:
    """One unit of work: domain SQL, outgoing events and processed ids, committed together."""

    def __init__(self, conn: sqlite3.Connection, topic: str) -> None:
        self.conn = conn
        self._topic = topic
        self.published = 0

    def execute(
        self, sql: str, params: tuple[object, ...] | dict[str, object] = ()
    ) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def publish(self, event: Message, *, key: str) -> str:
        """Queue ``event`` on this service's topic; it is sent only if the transaction commits."""
        ce_id = str(uuid.uuid4())
        self.conn.execute(
            INSERT_OUTBOX,
            (
                self._topic,
                key,
                ce_id,
                event.DESCRIPTOR.full_name,
                utc_now(),
                current_traceparent(),
                event.SerializeToString(),
            ),
        )
        self.published += 1
        return ce_id

    def already_processed(self, ce_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM processed_events WHERE ce_id = ?", (ce_id,))
        return row.fetchone() is not None

    def mark_processed(self, ce_id: str) -> None:
        self.conn.execute(
            "INSERT INTO processed_events (ce_id, processed_at) VALUES (?, ?)", (ce_id, utc_now())
        )


class Database:
    """The connection to a service's SQLite file, opened in WAL mode."""

    def __init__(
        self,
        path: Path,
        *,
        topic: str,
        schema: str = "",
        seed: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        self.path = path
        self._topic = topic
        self._schema = schema
        self._seed = seed
        self._conn: sqlite3.Connection | None = None
        self._on_commit: list[Callable[[], None]] = []

    def open(self) -> None:
        if self.path != Path(":memory:"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in PRAGMAS:
            conn.execute(pragma)
        conn.executescript(PLATFORM_SCHEMA + self._schema)
        if self._seed is not None:
            self._seed(conn)
        self._conn = conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError(f"database {self.path} is not open")
        return self._conn

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every commit that published events (wakes the relay)."""
        self._on_commit.append(callback)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK if the block raises."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        tx = Transaction(conn, self._topic)
        try:
            yield tx
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if tx.published:
            for callback in self._on_commit:
                callback()

    def prune_processed(self, before: datetime, *, batch: int = 5000) -> int:
        """Forget processed event ids recorded before ``before``; return how many, in batches so
        no single transaction holds the database for long."""
        cutoff = utc_text(before)
        removed = 0
        while True:
            with self.transaction() as tx:
                count = tx.execute(
                    "DELETE FROM processed_events WHERE rowid IN (SELECT rowid FROM"
                    " processed_events WHERE processed_at < ? LIMIT ?)",
                    (cutoff, batch),
                ).rowcount
            removed += count
            if count < batch:
                return removed

    def is_reachable(self) -> bool:
        try:
            self.conn.execute("SELECT 1").fetchone()
        except (sqlite3.Error, RuntimeError):
            return False
        return True

    def pending_outbox(self, limit: int) -> list[OutboxRow]:
        rows = self.conn.execute(
            "SELECT id, topic, key, ce_id, ce_type, ce_time, traceparent, payload"
            " FROM outbox ORDER BY id LIMIT ?",
            (limit,),
        ).fetchall()
        return [OutboxRow(*row) for row in rows]

    def delete_outbox(self, ids: list[int]) -> None:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])
        conn.execute("COMMIT")

    def outbox_backlog(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def oldest_outbox_time(self) -> str | None:
        """``ce_time`` of the oldest undelivered row, or None when the outbox is empty."""
        row = self.conn.execute("SELECT ce_time FROM outbox ORDER BY id LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def outbox_written_before(self, cutoff: str, *, after_id: int) -> tuple[int, int]:
        """How many undelivered rows after ``after_id`` were written before ``cutoff``, and the
        last of their ids (``after_id`` when none)."""
        count, last = self.conn.execute(
            "SELECT COUNT(*), COALESCE(MAX(id), ?) FROM outbox WHERE id > ? AND ce_time < ?",
            (after_id, after_id, cutoff),
        ).fetchone()
        return int(count), int(last)

    def size_bytes(self) -> float:
        """Bytes on disk: the database file and its write-ahead log (0 for ``:memory:``)."""
        if self.path == Path(":memory:"):
            return 0.0
        files = (self.path, self.path.with_name(self.path.name + "-wal"))
        return float(sum(f.stat().st_size for f in files if f.is_file()))
