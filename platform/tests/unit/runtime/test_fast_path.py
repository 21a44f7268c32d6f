"""The consumer's fast path: one transaction for a run of records, a savepoint each."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from homefield.runtime.batching import FastPath, Route
from homefield.runtime.db import Database, Transaction, utc_now
from homefield.runtime.envelope import encode_headers
from opentelemetry.trace import NoOpTracer
from shop.orders.v1 import events_pb2


@dataclass
class FakeRecord:
    """Stands in for aiokafka's ConsumerRecord: the fields the consumer reads."""

    value: bytes
    headers: list[tuple[str, bytes]]
    topic: str = "orders.v1"
    partition: int = 0
    offset: int = 0
    key: bytes = b""


def record(order_id: str, ce_id: str) -> FakeRecord:
    headers = encode_headers(
        ce_id=ce_id,
        ce_type="shop.orders.v1.OrderPlaced",
        ce_source="//t",
        ce_time=utc_now(),
        traceparent="",
    )
    return FakeRecord(events_pb2.OrderPlaced(order_id=order_id).SerializeToString(), headers)


def remember(event: events_pb2.OrderPlaced, tx: Transaction) -> None:
    tx.execute("INSERT INTO seen VALUES (?)", (event.order_id,))
    if event.order_id.startswith("bad"):
        raise ValueError("cannot handle " + event.order_id)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "x.sqlite3", topic="t", schema="CREATE TABLE seen (id TEXT);")
    database.open()
    return database


def fast_path(db: Database, faulty: set[str] = frozenset()) -> FastPath:  # type: ignore[assignment]
    routes = {"shop.orders.v1.OrderPlaced": Route(events_pb2.OrderPlaced, remember)}
    return FastPath(db=db, tracer=NoOpTracer(), routes=routes, has_fault=lambda n: n in faulty)


def seen(db: Database) -> list[str]:
    return [row[0] for row in db.conn.execute("SELECT id FROM seen ORDER BY rowid")]


def test_a_failing_handler_stops_the_run_and_only_its_own_writes_roll_back(db: Database) -> None:
    records = [record("a", "1"), record("bad", "2"), record("c", "3")]
    done, failure = fast_path(db).apply(records)  # type: ignore[arg-type]
    assert [d.outcome for d in done] == ["handled"]
    assert isinstance(failure, ValueError)
    assert seen(db) == ["a"]
    processed = db.conn.execute("SELECT ce_id FROM processed_events").fetchall()
    assert processed == [("1",)]


def test_a_redelivered_event_in_the_same_run_is_a_duplicate(db: Database) -> None:
    done, failure = fast_path(db).apply([record("a", "1"), record("a", "1")])  # type: ignore[arg-type]
    assert failure is None
    assert [d.outcome for d in done] == ["handled", "duplicate"]
    assert seen(db) == ["a"]


def test_poison_and_faulted_handlers_are_left_to_the_slow_path(db: Database) -> None:
    poison = FakeRecord(b"junk", [])
    done, failure = fast_path(db).apply([record("a", "1"), poison])  # type: ignore[arg-type]
    assert (len(done), failure) == (1, None)
    done, failure = fast_path(db, {"remember"}).apply([record("b", "2")])  # type: ignore[arg-type]
    assert (done, failure) == ([], None)
    assert seen(db) == ["a"]
