"""Unit tests of runtime pieces that need no broker: envelope, settings, faults, transactions."""

import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from homefield.runtime import (
    Fault,
    InvalidArgument,
    ServiceSettings,
    SettingsError,
    load_settings,
    require_text,
)
from homefield.runtime.envelope import EnvelopeError, decode, encode_headers
from homefield.runtime.errors import InjectedFault
from homefield.runtime.faults import FaultInjector
from homefield.testing.database import sqlite_database
from pydantic_settings import SettingsConfigDict
from shop.orders.v1 import events_pb2


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXAMPLE_", frozen=True, extra="ignore")


def test_envelope_round_trips_cloudevents_headers() -> None:
    headers = encode_headers(
        ce_id="id-1",
        ce_type="shop.orders.v1.OrderPlaced",
        ce_source="//homefield/orders",
        ce_time="2026-01-02T03:04:05.000006Z",
        traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01",
    )
    envelope = decode(b"payload", headers)
    assert (envelope.ce_id, envelope.ce_type, envelope.payload) == (
        "id-1",
        "shop.orders.v1.OrderPlaced",
        b"payload",
    )
    assert dict(headers)["content-type"] == b"application/protobuf"
    assert envelope.traceparent.startswith("00-aaaa")


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ([], "missing CloudEvents headers"),
        (
            [
                ("ce_specversion", b"0.3"),
                ("ce_id", b"1"),
                ("ce_source", b"s"),
                ("ce_type", b"t"),
                ("ce_time", b"2026-01-01T00:00:00Z"),
            ],
            "unsupported ce_specversion",
        ),
        (
            [
                ("ce_specversion", b"1.0"),
                ("ce_id", b"1"),
                ("ce_source", b"s"),
                ("ce_type", b"t"),
                ("ce_time", b"yesterday"),
            ],
            "not RFC 3339",
        ),
    ],
)
def test_envelope_rejects_records_that_are_not_cloudevents(headers, problem: str) -> None:
    with pytest.raises(EnvelopeError, match=problem):
        decode(b"x", headers)


def test_bad_settings_fail_fast_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_KAFKA_BOOTSTRAP", "no-port-here")
    with pytest.raises(SettingsError, match="EXAMPLE_KAFKA_BOOTSTRAP"):
        load_settings(ExampleSettings)


def test_fault_error_rate_above_one_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_FAULTS", '{"capture_payment": {"error_rate": 1.5}}')
    with pytest.raises(SettingsError, match="EXAMPLE_FAULTS"):
        load_settings(ExampleSettings)


def test_faults_fail_about_the_configured_share_of_calls() -> None:
    injector = FaultInjector({"capture_payment": Fault(error_rate=0.5)}, rng=random.Random(7))

    async def failures() -> int:
        count = 0
        for _ in range(1000):
            try:
                await injector.apply("capture_payment")
                await injector.apply("other")
            except InjectedFault:
                count += 1
        return count

    assert 440 < asyncio.run(failures()) < 560


def test_a_failed_transaction_leaves_no_outbox_row_and_no_processed_id(tmp_path: Path) -> None:
    db = sqlite_database(tmp_path, topic="orders.v1", tables="CREATE TABLE t (v INTEGER);")
    with pytest.raises(ValueError), db.transaction() as tx:
        tx.execute("INSERT INTO t VALUES (1)")
        tx.publish(events_pb2.OrderPlaced(order_id="o1"), key="o1")
        tx.mark_processed("ce-1")
        raise ValueError("handler failed")
    counts = [
        db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("t", "outbox", "processed_events")
    ]
    assert counts == [0, 0, 0]
    wakes: list[int] = []
    db.on_commit(lambda: wakes.append(1))
    with db.transaction() as tx:
        tx.publish(events_pb2.OrderPlaced(order_id="o1"), key="o1")
    assert [row.ce_type for row in db.pending_outbox(10)] == ["shop.orders.v1.OrderPlaced"]
    assert wakes == [1]
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_old_processed_ids_are_forgotten_and_recent_ones_kept(tmp_path: Path) -> None:
    db = sqlite_database(tmp_path, topic="t")
    db.conn.executemany(
        "INSERT INTO processed_events VALUES (?, ?)",
        [(f"old-{i}", "2026-01-01T00:00:00.000000Z") for i in range(7)]
        + [("new", "2026-03-01T00:00:00.000000Z")],
    )
    removed = db.prune_processed(datetime(2026, 2, 1, tzinfo=UTC), batch=3)
    remaining = [row[0] for row in db.conn.execute("SELECT ce_id FROM processed_events")]
    assert (removed, remaining) == (7, ["new"])


@pytest.mark.parametrize(
    ("value", "problem"),
    [("  ", "order_id: is required"), ("x" * 201, "order_id: must be at most 200")],
)
def test_require_text_names_the_field(value: str, problem: str) -> None:
    with pytest.raises(InvalidArgument, match=problem):
        require_text(value, field="order_id")
    assert require_text("o-1", field="order_id") == "o-1"
