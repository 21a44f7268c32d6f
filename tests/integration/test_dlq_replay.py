"""An event that failed every attempt waits in the DLQ; once the cause is fixed, `homefield dlq
replay` puts it back and the order moves on, with no second effect anywhere."""

from pathlib import Path
from typing import Any

import pytest
from homefield.ops.dlq import list_dead_letters, replay_dead_letters
from homefield.runtime import Fault, ServiceApp
from homefield.testing.events import publish, read_topic
from homefield.testing.service import create_topics, eventually, running, unique_prefix
from payments.bootstrap import build
from payments.settings import PaymentsSettings
from shop.orders.v1 import events_pb2

pytestmark = pytest.mark.integration


def payments(bootstrap: str, prefix: str, tmp_path: Path, **overrides: Any) -> ServiceApp:
    settings = PaymentsSettings(
        kafka_bootstrap=bootstrap,
        topic_prefix=prefix,
        grpc_port=0,
        http_port=0,
        database_url=f"sqlite:///{tmp_path / 'payments.sqlite3'}",
        retry_backoff_ms=5,
        **overrides,
    )
    return build(settings)


async def test_a_dead_lettered_capture_is_replayed_once_after_the_fix(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    prefix = unique_prefix()
    await create_topics(kafka_bootstrap, prefix)
    reserved = events_pb2.OrderReserved(
        order_id="o-dlq", customer_id="c1", total_cents=1200, payment_token="tok_visa"
    )
    broken = payments(
        kafka_bootstrap, prefix, tmp_path, faults={"capture_payment": Fault(error_rate=1.0)}
    )
    async with running(broken):
        await publish(kafka_bootstrap, prefix + "orders.v1", reserved, key="o-dlq")
        letters = await eventually(lambda: list_dead_letters(kafka_bootstrap, "payments", prefix))
    assert letters[0].handler == "capture_payment"
    assert "injected fault" in letters[0].error
    assert letters[0].original_topic == prefix + "orders.v1"

    fixed = payments(kafka_bootstrap, prefix, tmp_path)
    replayed: list[str] = []
    async with running(fixed):
        count = await replay_dead_letters(
            kafka_bootstrap, "payments", echo=replayed.append, prefix=prefix
        )
        again = await replay_dead_letters(
            kafka_bootstrap, "payments", echo=replayed.append, prefix=prefix
        )
        out = await eventually(lambda: read_topic(kafka_bootstrap, prefix + "payments.v1"))
        charges = fixed.db.conn.execute("SELECT COUNT(*) FROM charges").fetchone()[0]
    assert (count, again) == (1, 0)
    assert [ce_type for ce_type, _ in out] == ["shop.payments.v1.PaymentCaptured"]
    assert charges == 1


async def test_an_event_that_can_never_apply_is_dead_lettered_without_retries(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    prefix = unique_prefix()
    await create_topics(kafka_bootstrap, prefix)
    app = payments(kafka_bootstrap, prefix, tmp_path, consumer_max_attempts=4)
    nameless = events_pb2.OrderReserved(customer_id="c1", total_cents=100, payment_token="tok_visa")
    async with running(app):
        await publish(kafka_bootstrap, prefix + "orders.v1", nameless, key="no-id")
        letters = await eventually(lambda: list_dead_letters(kafka_bootstrap, "payments", prefix))
        errors = app.metrics.registry.get_sample_value(
            "kafka_consume_errors_total",
            {"topic": prefix + "orders.v1", "handler": "capture_payment"},
        )
    assert "InvalidEvent" in letters[0].error and "order_id" in letters[0].error
    assert dict(letters[0].headers)["dlq_attempts"] == b"1"
    assert errors == 1
