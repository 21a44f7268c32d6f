"""The outbox watch and readiness: rows counted once as they pass an SLO's max age, the oldest
row's age, and /readyz and /info saying why the service is not ready."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from homefield.runtime.http import build_ops_app
from homefield.runtime.metrics import Metrics
from homefield.runtime.outbox_watch import OutboxWatch
from homefield.runtime.readiness import ReadinessChecks
from homefield.runtime.sqlite_store import SqliteDatabase
from homefield.runtime.tracing import build_tracer_provider, tracer_for
from homefield.testing.database import sqlite_database
from shop.orders.v1 import events_pb2

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _metrics() -> Metrics:
    return Metrics(service="orders", team="checkout", tier=1, version="t")


def _outbox(tmp_path: Path, rows: int) -> SqliteDatabase:
    db = sqlite_database(tmp_path, topic="orders.v1")
    for n in range(rows):
        with db.transaction() as tx:
            tx.publish(events_pb2.OrderPlaced(order_id=f"o{n}"), key=f"o{n}")
    db.conn.execute("UPDATE outbox SET ce_time = ?", ("2026-01-01T12:00:00.000000Z",))
    return db


def _overdue(metrics: Metrics, threshold: str) -> float:
    value = metrics.registry.get_sample_value(
        "outbox_overdue_rows_total", {"max_age_seconds": threshold}
    )
    return float(value or 0)


def test_rows_count_once_when_they_pass_the_threshold_undelivered(tmp_path: Path) -> None:
    db, metrics, clock = _outbox(tmp_path, 3), _metrics(), FakeClock()
    watch = OutboxWatch(outbox=db, metrics=metrics, thresholds=[30.0], clock=clock)
    watch.tick()
    assert _overdue(metrics, "30.0") == 0, "the series exists at 0 before any row is late"
    clock.now = START + timedelta(seconds=31)
    watch.tick()
    watch.tick()
    assert _overdue(metrics, "30.0") == 3
    assert metrics.registry.get_sample_value("outbox_oldest_age_seconds") == 31
    db.delete_outbox([row.id for row in db.pending_outbox(10)])
    watch.tick()
    assert metrics.registry.get_sample_value("outbox_oldest_age_seconds") == 0


async def test_an_old_outbox_row_fails_readyz_and_info_says_why(tmp_path: Path) -> None:
    db, metrics, clock = _outbox(tmp_path, 1), _metrics(), FakeClock()
    watch = OutboxWatch(outbox=db, metrics=metrics, thresholds=[30.0], clock=clock)
    checks = ReadinessChecks()
    checks.add("outbox", watch.readiness(limit_seconds=60, setting="ORDERS_OUTBOX_MAX_AGE_SECONDS"))
    tracer = tracer_for(build_tracer_provider(service="orders", version="t"), "orders")
    app = build_ops_app(
        metrics=metrics,
        tracer=tracer,
        readiness=checks.evaluate,
        info=lambda: {"service": "orders", "version": "t"},
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://orders") as http:
        clock.now = START + timedelta(seconds=59)
        assert (await http.get("/readyz")).status_code == 200
        clock.now = START + timedelta(seconds=75)
        ready = await http.get("/readyz")
        info = (await http.get("/info")).json()
    assert ready.status_code == 503 and ready.json()["checks"] == {"outbox": False}
    assert info["ready"] is False
    reason = info["not_ready"]["outbox"]
    assert "75s old" in reason and "ORDERS_OUTBOX_MAX_AGE_SECONDS" in reason
