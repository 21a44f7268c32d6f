"""The consumer's fast path: one transaction for a run of records, a savepoint each."""

from pathlib import Path

import pytest
from homefield.runtime.batching import FastPath
from homefield.runtime.pipeline import Outcome, Poison, Ready, Unrouted, prepare
from homefield.runtime.sqlite_store import SqliteDatabase as Database
from homefield.testing.database import sqlite_database
from opentelemetry.trace import NoOpTracer

from .consumer_fakes import FakeRecord, record, routes


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return sqlite_database(tmp_path, topic="t", tables="CREATE TABLE seen (id TEXT);")


def fast_path(db: Database, faulty: frozenset[str] = frozenset()) -> FastPath:
    return FastPath(db=db, tracer=NoOpTracer(), has_fault=lambda n: n in faulty)


def prepared(*records: FakeRecord) -> list:
    return [prepare(r, routes()) for r in records]  # type: ignore[arg-type]


def seen(db: Database) -> list[str]:
    return [row[0] for row in db.conn.execute("SELECT id FROM seen ORDER BY rowid")]


def test_prepare_tells_ready_unrouted_and_poison_apart() -> None:
    unknown = record("a", "2", ce_type="shop.orders.v1.OrderShipped")
    garbled = record("a", "3")
    garbled.value = b"\xff\xff\xff"
    items = prepared(record("a", "1"), unknown, FakeRecord(b"junk", []), garbled)
    assert [type(item) for item in items] == [Ready, Unrouted, Poison, Poison]
    assert "missing CloudEvents headers" in items[2].reason
    assert (items[3].handler, items[3].reason.split(":")[0]) == (
        "remember_order",
        "undecodable shop.orders.v1.OrderPlaced",
    )


def test_a_failing_handler_stops_the_run_and_only_its_own_writes_roll_back(db: Database) -> None:
    items = prepared(record("a", "1"), record("bad", "2"), record("c", "3"))
    done, failure = fast_path(db).apply(items)
    assert [d.outcome for d in done] == [Outcome.HANDLED]
    assert isinstance(failure, ValueError)
    assert seen(db) == ["a"]
    processed = db.conn.execute("SELECT ce_id FROM processed_events").fetchall()
    assert processed == [("1",)]


def test_a_redelivered_event_in_the_same_run_is_a_duplicate(db: Database) -> None:
    done, failure = fast_path(db).apply(prepared(record("a", "1"), record("a", "1")))
    assert failure is None
    assert [d.outcome for d in done] == [Outcome.HANDLED, Outcome.DUPLICATE]
    assert seen(db) == ["a"]


def test_unrouted_events_are_ignored_without_leaving_the_fast_path(db: Database) -> None:
    unknown = record("x", "9", ce_type="shop.orders.v1.OrderShipped")
    done, failure = fast_path(db).apply(prepared(unknown, record("a", "1")))
    assert ([d.outcome for d in done], failure) == ([Outcome.IGNORED, Outcome.HANDLED], None)


def test_poison_and_faulted_handlers_are_left_to_the_retrying_path(db: Database) -> None:
    done, failure = fast_path(db).apply(prepared(record("a", "1"), FakeRecord(b"junk", [])))
    assert (len(done), failure) == (1, None)
    done, failure = fast_path(db, frozenset({"remember_order"})).apply(prepared(record("b", "2")))
    assert (done, failure) == ([], None)
    assert seen(db) == ["a"]


def test_a_run_of_unrouted_events_opens_no_transaction(db: Database) -> None:
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    unknown = [record(k, k, ce_type="shop.orders.v1.OrderShipped") for k in ("x", "y")]
    done, failure = fast_path(db).apply(prepared(*unknown))
    assert ([d.outcome for d in done], failure) == ([Outcome.IGNORED] * 2, None)
    assert statements == []
    done, failure = fast_path(db).apply(prepared(*unknown, record("a", "1")))
    assert [d.outcome for d in done] == [Outcome.IGNORED, Outcome.IGNORED, Outcome.HANDLED]
    assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "COMMIT"
    assert seen(db) == ["a"]
