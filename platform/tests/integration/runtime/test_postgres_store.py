"""The PostgreSQL store against a real server: the transactional core behaves as on SQLite (one
transaction per batch, a savepoint per message), migrations apply once, and replicas' relays
share the outbox by whole buckets, taking over a dead replica's rows."""

import math
from pathlib import Path

import psycopg
import pytest
from aiokafka import ConsumerRecord
from homefield.runtime.batching import FastPath
from homefield.runtime.db import OUTBOX_BUCKETS, Transaction, outbox_bucket, utc_now
from homefield.runtime.envelope import encode_headers
from homefield.runtime.pipeline import Outcome, prepare
from homefield.runtime.postgres_store import PostgresDatabase
from homefield.runtime.registry import Route
from opentelemetry.trace import NoOpTracer
from shop.orders.v1 import events_pb2

pytestmark = pytest.mark.integration


def record(order_id: str, ce_id: str) -> ConsumerRecord[bytes, bytes]:
    """A consumed OrderPlaced as aiokafka hands it over."""
    headers = encode_headers(
        ce_id=ce_id,
        ce_type="shop.orders.v1.OrderPlaced",
        ce_source="//t",
        ce_time=utc_now(),
        traceparent="",
    )
    value = events_pb2.OrderPlaced(order_id=order_id).SerializeToString()
    return ConsumerRecord(
        "orders.v1", 0, 0, 0, 0, order_id.encode(), value, None, 0, len(value), headers
    )


def remember(event: events_pb2.OrderPlaced, tx: Transaction) -> None:
    tx.execute("INSERT INTO seen (id) VALUES (?)", (event.order_id,))
    tx.publish(events_pb2.OrderPlaced(order_id=event.order_id), key=event.order_id)
    if event.order_id.startswith("bad"):
        raise ValueError("cannot handle " + event.order_id)


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "0001.seen.sql").write_text(
        "CREATE TABLE seen (n BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT NOT NULL);"
    )
    return directory


def _open(url: str, migrations: Path) -> PostgresDatabase:
    db = PostgresDatabase(url, topic="orders.v1", migrations=[migrations])
    db.open()
    return db


def _count(db: PostgresDatabase, sql: str) -> int:
    with db.read() as tx:
        return int(tx.execute(sql).fetchone()[0])


def test_a_failing_handler_rolls_back_only_its_own_savepoint(
    postgres_url: str, migrations: Path
) -> None:
    db = _open(postgres_url, migrations)
    try:
        routes = {"shop.orders.v1.OrderPlaced": Route("remember", events_pb2.OrderPlaced, remember)}
        path = FastPath(db=db, tracer=NoOpTracer(), has_fault=lambda _n: False)
        records = [record("a", "1"), record("a", "1"), record("bad", "2"), record("c", "3")]
        done, failure = path.apply([prepare(r, routes) for r in records])  # type: ignore[arg-type]
        assert [d.outcome for d in done] == [Outcome.HANDLED, Outcome.DUPLICATE]
        assert isinstance(failure, ValueError)
        with db.read() as tx:
            assert tx.execute("SELECT id FROM seen ORDER BY n").fetchall() == [("a",)]
            assert tx.execute("SELECT ce_id FROM processed_events").fetchall() == [("1",)]
        assert _count(db, "SELECT COUNT(*) FROM outbox") == 1
    finally:
        db.close()


def test_a_failed_transaction_leaves_nothing_and_a_commit_wakes_the_relay(
    postgres_url: str, migrations: Path
) -> None:
    db = _open(postgres_url, migrations)
    wakes: list[int] = []
    db.on_commit(lambda: wakes.append(1))
    try:
        with pytest.raises(ValueError), db.transaction() as tx:
            tx.execute("INSERT INTO seen (id) VALUES (?)", ("x",))
            tx.publish(events_pb2.OrderPlaced(order_id="o1"), key="o1")
            tx.mark_processed("ce-1")
            raise ValueError("handler failed")
        for table in ("seen", "outbox", "processed_events"):
            assert _count(db, f"SELECT COUNT(*) FROM {table}") == 0
        assert wakes == []
        with db.transaction() as tx:
            tx.publish(events_pb2.OrderPlaced(order_id="o1"), key="o1")
        assert wakes == [1]
        with db.read() as tx:
            bucket = tx.execute("SELECT bucket FROM outbox").fetchone()[0]
        assert bucket == outbox_bucket("o1")
    finally:
        db.close()


def test_migrations_apply_once_and_a_restart_keeps_the_rows(
    postgres_url: str, migrations: Path
) -> None:
    first = _open(postgres_url, migrations)
    with first.transaction() as tx:
        tx.execute("INSERT INTO seen (id) VALUES (?)", ("kept",))
    first.close()
    (migrations / "0002.more.sql").write_text("ALTER TABLE seen ADD COLUMN note TEXT;")
    second = _open(postgres_url, migrations)
    try:
        with second.read() as tx:
            assert tx.execute("SELECT id, note FROM seen").fetchall() == [("kept", None)]
        with psycopg.connect(postgres_url) as conn:
            applied = [row[0] for row in conn.execute("SELECT migration_id FROM _yoyo_migration")]
        assert sorted(applied) == [
            "0001.platform-outbox-and-processed-ids",
            "0001.seen",
            "0002.more",
        ]
        assert second.size_bytes() > 0  # pg_database_size of the service's database
    finally:
        second.close()
    assert math.isnan(second.size_bytes())  # closed: the gauge says unknown, not 0


def _publish(db: PostgresDatabase, keys: list[str]) -> None:
    with db.transaction() as tx:
        for key in keys:
            tx.publish(events_pb2.OrderPlaced(order_id=key), key=key)


def _claim_now(db: PostgresDatabase) -> None:
    db._claimed_at = 0.0  # the claim interval is a rate limit; the test claims on demand
    db.claim_outbox()


def test_replicas_split_the_buckets_and_a_survivor_takes_over_a_dead_ones(
    postgres_url: str, migrations: Path
) -> None:
    one, two = _open(postgres_url, migrations), _open(postgres_url, migrations)
    try:
        keys = [f"order-{n}" for n in range(200)]
        _publish(one, keys)
        _claim_now(one)
        assert len(one.buckets) == OUTBOX_BUCKETS  # alone, it delivers everything
        _claim_now(two)
        _claim_now(one)  # sees a second member: hands over half, between deliveries
        _claim_now(two)
        assert len(one.buckets) == len(two.buckets) == OUTBOX_BUCKETS // 2
        assert not one.buckets & two.buckets
        rows_one, rows_two = one.pending_outbox(1000), two.pending_outbox(1000)
        assert len(rows_one) + len(rows_two) == len(keys)
        assert {r.key for r in rows_one}.isdisjoint({r.key for r in rows_two})
        for rows in (rows_one, rows_two):
            ids = [row.id for row in rows]
            assert ids == sorted(ids)  # each key's rows leave in the order they were written
        # Each replica's outbox watch sees its own buckets: an overdue row is counted once.
        later = "9999-12-31T00:00:00.000000Z"
        counted = [db.outbox_written_before(later, after_id=0)[0] for db in (one, two)]
        assert counted == [len(rows_one), len(rows_two)]
        assert one.oldest_outbox_time() == rows_one[0].ce_time
        # `one` sent its rows but dies before deleting them: `two` takes its buckets over.
        one.close()
        _claim_now(two)
        assert len(two.buckets) == OUTBOX_BUCKETS
        resent = {row.key for row in two.pending_outbox(1000)}
        assert resent == set(keys)
        two.delete_outbox([row.id for row in two.pending_outbox(1000)])
        assert two.outbox_backlog() == 0
    finally:
        one.close()
        two.close()
