"""The PostgreSQL store: several replicas of a service share one database.

Statements run synchronously on the event loop thread, through a psycopg pool, exactly like the
SQLite store: a transaction never awaits, so a polled batch is still one transaction with a
savepoint per message (docs/DESIGN.md, "PostgreSQL and replicas", has the measurements).

Outbox delivery with replicas: each row is in the bucket of its key's hash, and a relay sends
only rows of the buckets it holds a session advisory lock on. A key's rows therefore leave from
one replica at a time, in id order. Relays share the buckets evenly (each holds a member lock, so
they can count each other) and hand one over only between two deliveries. When a replica dies,
PostgreSQL ends its session and frees its locks; another relay claims those buckets and resends
what was sent but not yet deleted (consumers drop the duplicates by ``ce_id``): nothing is lost.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from homefield.runtime.db import OUTBOX_BUCKETS, Database, OutboxRow, Seed, Transaction
from homefield.runtime.migrations import migrate

log = logging.getLogger("homefield.postgres")
# Advisory lock classes (the first of the two keys) in each service's own database.
BUCKET_LOCK = 0x68660001
MEMBER_LOCK = 0x68660002
MAX_MEMBERS = 64
CLAIM_INTERVAL_SECONDS = 0.5
POOL_SIZE = 2
CONNECT_SECONDS = 30.0


@lru_cache(maxsize=2048)
def to_pyformat(sql: str) -> str:
    """``?`` parameters as psycopg's ``%s`` (a literal ``%`` doubled); SQL holds no ``?`` text."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDatabase(Database):
    store = "postgresql"

    def __init__(
        self,
        url: str,
        *,
        topic: str,
        migrations: Sequence[Path] = (),
        seed: Seed | None = None,
    ) -> None:
        super().__init__(topic=topic, migrations=migrations, seed=seed)
        self.url = url
        where = conninfo_to_dict(url)
        self.location = f"{where.get('host')}:{where.get('port', 5432)}/{where.get('dbname')}"
        self._pool: ConnectionPool | None = None
        self._claims: psycopg.Connection[tuple[Any, ...]] | None = None
        self._buckets: set[int] = set()
        self._claimed_at = 0.0

    def open(self) -> None:
        migrate(self.url, self._migrations)
        self._pool = ConnectionPool(
            self.url, min_size=1, max_size=POOL_SIZE, kwargs={"autocommit": True}, open=False
        )
        self._pool.open(wait=True, timeout=CONNECT_SECONDS)
        self._seed_once()

    def close(self) -> None:
        self._forget_claims()
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    @property
    def pool(self) -> ConnectionPool:
        if self._pool is None:
            raise RuntimeError("the PostgreSQL database is not open")
        return self._pool

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self.pool.connection() as conn, conn.transaction():
            tx = Transaction(conn, self._topic, translate=to_pyformat, bucketed=True)
            yield tx
        self._committed(tx)

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        with self.pool.connection() as conn:
            yield Transaction(conn, self._topic, translate=to_pyformat, bucketed=True)

    def is_reachable(self) -> bool:
        try:
            with self.pool.connection(timeout=2.0) as conn:
                conn.execute("SELECT 1")
        except (psycopg.Error, PoolTimeout, RuntimeError):
            return False
        return True

    def size_bytes(self) -> float:
        """The service's database as PostgreSQL counts it (every replica reports the same);
        NaN while the server does not answer, so a scrape never fails on it."""
        try:
            with self.pool.connection(timeout=2.0) as conn:
                row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        except (psycopg.Error, PoolTimeout, RuntimeError):
            return math.nan
        return float(row[0]) if row else math.nan

    def outbox_backlog(self) -> int:
        with self.read() as tx:
            return int(tx.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    # The outbox watch of a replica sees only the buckets its relay delivers: each overdue row
    # is counted by one replica, and only the replica that is stuck fails /readyz.
    def oldest_outbox_time(self) -> str | None:
        with self.read() as tx:
            row = tx.execute(
                "SELECT ce_time FROM outbox WHERE bucket = ANY(?) ORDER BY id LIMIT 1",
                (sorted(self._buckets),),
            ).fetchone()
        return None if row is None else str(row[0])

    def outbox_written_before(self, cutoff: str, *, after_id: int) -> tuple[int, int]:
        with self.read() as tx:
            count, last = tx.execute(
                "SELECT COUNT(*), COALESCE(MAX(id), ?) FROM outbox"
                " WHERE bucket = ANY(?) AND id > ? AND ce_time < ?",
                (after_id, sorted(self._buckets), after_id, cutoff),
            ).fetchone()
        return int(count), int(last)

    @property
    def buckets(self) -> frozenset[int]:
        """The outbox buckets this process delivers now."""
        return frozenset(self._buckets)

    def pending_outbox(self, limit: int) -> list[OutboxRow]:
        if not self._buckets or self._claims is None:
            return []
        try:
            rows = self._claims.execute(
                "SELECT id, topic, key, ce_id, ce_type, ce_time, traceparent, payload"
                " FROM outbox WHERE bucket = ANY(%s) ORDER BY id LIMIT %s",
                (sorted(self._buckets), limit),
            ).fetchall()
        except psycopg.OperationalError:
            self._forget_claims()  # the session and its locks are gone: claim again
            return []
        return [OutboxRow(*row) for row in rows]

    def claim_outbox(self) -> None:
        """Hold an even share of the buckets: ceil(buckets / live relays), rechecked at most
        every CLAIM_INTERVAL_SECONDS, and only ever between two deliveries."""
        now = time.monotonic()
        if self._claims is not None and now - self._claimed_at < CLAIM_INTERVAL_SECONDS:
            return
        self._claimed_at = now
        try:
            conn = self._claims or self._join()
            share = math.ceil(OUTBOX_BUCKETS / self._members(conn))
            for bucket in sorted(self._buckets, reverse=True)[: max(len(self._buckets) - share, 0)]:
                conn.execute("SELECT pg_advisory_unlock(%s, %s)", (BUCKET_LOCK, bucket))
                self._buckets.discard(bucket)
            for bucket in range(OUTBOX_BUCKETS):
                if len(self._buckets) >= share:
                    break
                if bucket not in self._buckets and self._try_lock(conn, BUCKET_LOCK, bucket):
                    self._buckets.add(bucket)
        except psycopg.OperationalError as exc:
            log.warning("outbox bucket claim failed; will retry", extra={"error": str(exc)})
            self._forget_claims()

    def _join(self) -> psycopg.Connection[tuple[Any, ...]]:
        """A session of its own that holds this relay's member lock and bucket locks."""
        conn = psycopg.connect(self.url, autocommit=True, connect_timeout=int(CONNECT_SECONDS))
        for slot in range(MAX_MEMBERS):
            if self._try_lock(conn, MEMBER_LOCK, slot):
                self._claims = conn
                return conn
        conn.close()
        raise psycopg.OperationalError(f"more than {MAX_MEMBERS} relays share this database")

    @staticmethod
    def _try_lock(conn: psycopg.Connection[tuple[Any, ...]], kind: int, key: int) -> bool:
        row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (kind, key)).fetchone()
        return bool(row and row[0])

    @staticmethod
    def _members(conn: psycopg.Connection[tuple[Any, ...]]) -> int:
        row = conn.execute(
            "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = %s"
            " AND d.datname = current_database()",
            (MEMBER_LOCK,),
        ).fetchone()
        return max(int(row[0]) if row else 1, 1)

    def _forget_claims(self) -> None:
        self._buckets.clear()
        if self._claims is not None:
            self._claims.close()  # ending the session frees every lock it held
            self._claims = None
