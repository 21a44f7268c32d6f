"""A service's database: its domain rows, the outbox and the processed event ids, in SQLite (one
file, the default) or PostgreSQL (several replicas), chosen by ``<SVC>_DATABASE_URL``.

All access happens on the event loop thread and a transaction never awaits, so the outbox row,
the processed ``ce_id`` and the domain change always commit together or not at all. SQL is
written once with ``?`` parameters; each store runs it as its driver needs.
"""

from __future__ import annotations

import uuid
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from google.protobuf.message import Message

from homefield.runtime.tracing import current_traceparent

Params = Sequence[object]
# Outbox rows are grouped into this many buckets by a hash of their key. Whoever delivers a
# bucket delivers every key in it, in order (several PostgreSQL replicas: see postgres_store).
OUTBOX_BUCKETS = 64
MIGRATIONS = Path(__file__).parent / "migrations"
INSERT_OUTBOX = (
    "INSERT INTO outbox (topic, key, ce_id, ce_type, ce_time, traceparent, payload)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_BUCKETED_OUTBOX = (
    "INSERT INTO outbox (topic, key, bucket, ce_id, ce_type, ce_time, traceparent, payload)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


class Rows(Protocol):
    """What ``Transaction.execute`` returns, whichever the store: a DB-API cursor."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Cursorish(Protocol):
    def execute(self, sql: str, params: Params = ...) -> Any: ...


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


def outbox_bucket(key: str) -> int:
    """The bucket of an outbox key: stable across processes and releases (CRC-32)."""
    return zlib.crc32(key.encode()) % OUTBOX_BUCKETS


class Transaction:
    """One unit of work: domain SQL, outgoing events and processed ids, committed together."""

    def __init__(
        self,
        conn: Cursorish,
        topic: str,
        *,
        translate: Callable[[str], str] = str,
        bucketed: bool = False,
    ) -> None:
        self.conn = conn
        self._topic = topic
        self._translate = translate
        self._bucketed = bucketed
        self.published = 0

    def execute(self, sql: str, params: Params = ()) -> Rows:
        """Run one statement with ``?`` parameters; its rows are read from the result."""
        result: Rows = self.conn.execute(self._translate(sql), tuple(params))
        return result

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        for params in rows:
            self.execute(sql, params)

    def publish(self, event: Message, *, key: str) -> str:
        """Queue ``event`` on this service's topic; it is sent only if the transaction commits."""
        ce_id = str(uuid.uuid4())
        row = (ce_id, event.DESCRIPTOR.full_name, utc_now(), current_traceparent())
        payload = event.SerializeToString()
        if self._bucketed:
            self.execute(
                INSERT_BUCKETED_OUTBOX, (self._topic, key, outbox_bucket(key), *row, payload)
            )
        else:
            self.execute(INSERT_OUTBOX, (self._topic, key, *row, payload))
        self.published += 1
        return ce_id

    def already_processed(self, ce_id: str) -> bool:
        row = self.execute("SELECT 1 FROM processed_events WHERE ce_id = ?", (ce_id,))
        return row.fetchone() is not None

    def mark_processed(self, ce_id: str) -> None:
        self.execute(
            "INSERT INTO processed_events (ce_id, processed_at) VALUES (?, ?)", (ce_id, utc_now())
        )


Seed = Callable[[Transaction], None]


class Database(ABC):
    """The store of one service. ``open`` applies the numbered migrations, then the seed."""

    def __init__(
        self, *, topic: str, migrations: Sequence[Path] = (), seed: Seed | None = None
    ) -> None:
        self._topic = topic
        # A service's directory holds SQL both stores run, or one subdirectory per store.
        own = [path / self.store if (path / self.store).is_dir() else path for path in migrations]
        self._migrations = [MIGRATIONS / self.store, *own]
        self._seed = seed
        self._on_commit: list[Callable[[], None]] = []

    store: str = ""
    location: str = ""  # where the data lives, for messages (never a password)

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """BEGIN ... COMMIT, or ROLLBACK if the block raises."""

    @abstractmethod
    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """Statements outside a transaction, for reads (each sees the latest commits)."""

    @abstractmethod
    def is_reachable(self) -> bool: ...

    @abstractmethod
    def pending_outbox(self, limit: int) -> list[OutboxRow]:
        """The oldest undelivered rows this process may deliver, in order."""

    @abstractmethod
    def outbox_backlog(self) -> int: ...

    @abstractmethod
    def oldest_outbox_time(self) -> str | None:
        """``ce_time`` of the oldest row this process delivers, or None when there is none."""

    @abstractmethod
    def outbox_written_before(self, cutoff: str, *, after_id: int) -> tuple[int, int]:
        """How many undelivered rows this process delivers, after ``after_id``, were written
        before ``cutoff``, and the last of their ids (``after_id`` when none)."""

    @abstractmethod
    def size_bytes(self) -> float:
        """Bytes the store holds for this service (the ``store_size_bytes`` gauge)."""

    @abstractmethod
    def claim_outbox(self) -> None:
        """Claim the outbox buckets this process delivers (several replicas); called only
        between two deliveries."""

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every commit that published events (wakes the relay)."""
        self._on_commit.append(callback)

    def _committed(self, tx: Transaction) -> None:
        if tx.published:
            for callback in self._on_commit:
                callback()

    def _seed_once(self) -> None:
        if self._seed is not None:
            with self.transaction() as tx:
                self._seed(tx)

    def delete_outbox(self, ids: list[int]) -> None:
        with self.transaction() as tx:
            tx.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])

    def prune_processed(self, before: datetime, *, batch: int = 5000) -> int:
        """Forget processed event ids recorded before ``before``; return how many, in batches so
        no single transaction holds the database for long."""
        cutoff = utc_text(before)
        removed = 0
        while True:
            with self.transaction() as tx:
                count = tx.execute(
                    "DELETE FROM processed_events WHERE ce_id IN (SELECT ce_id FROM"
                    " processed_events WHERE processed_at < ? LIMIT ?)",
                    (cutoff, batch),
                ).rowcount
            removed += count
            if count < batch:
                return removed


def open_database(
    url: str, *, topic: str, migrations: Sequence[Path] = (), seed: Seed | None = None
) -> Database:
    """The store ``url`` names: ``sqlite:///path`` (or ``sqlite:///:memory:``) or
    ``postgresql://user@host:port/db``. Call ``open()`` on it to connect and migrate."""
    if url.startswith("sqlite:///"):
        from homefield.runtime.sqlite_store import SqliteDatabase

        return SqliteDatabase(
            Path(url.removeprefix("sqlite:///")), topic=topic, migrations=migrations, seed=seed
        )
    if url.startswith(("postgresql://", "postgres://")):
        from homefield.runtime.postgres_store import PostgresDatabase

        return PostgresDatabase(url, topic=topic, migrations=migrations, seed=seed)
    raise ValueError(f"database URL must start with sqlite:/// or postgresql://, got {url[:30]!r}")
