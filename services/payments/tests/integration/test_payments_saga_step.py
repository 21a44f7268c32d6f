from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import grpc
import pytest
from homefield.runtime import Fault, ServiceApp
from homefield.testing.events import publish, read_topic
from homefield.testing.kafka import KafkaTopics
from homefield.testing.service import eventually, running
from payments.bootstrap import build
from payments.settings import PaymentsSettings
from shop.orders.v1.events_pb2 import OrderReserved
from shop.payments.v1 import events_pb2, payments_pb2
from shop.payments.v1.payments_pb2_grpc import PaymentServiceStub

pytestmark = pytest.mark.integration


def handled(app: ServiceApp, topic: str, outcome: str) -> float | None:
    labels = {"topic": topic, "handler": "capture_payment", "outcome": outcome}
    return app.metrics.registry.get_sample_value("kafka_consumed_messages_total", labels)


def payments_app(kafka_topics: KafkaTopics, tmp_path: Path, **overrides: Any) -> ServiceApp:
    settings = PaymentsSettings(
        kafka_bootstrap=kafka_topics.bootstrap,
        topic_prefix=kafka_topics.prefix,
        database_url=f"sqlite:///{tmp_path / 'payments.sqlite3'}",
        grpc_port=0,
        http_port=0,
        **overrides,
    )
    return build(settings)


async def test_reserved_order_is_captured_once_despite_duplicates(
    kafka_topics: KafkaTopics, tmp_path: Path
) -> None:
    bootstrap = kafka_topics.bootstrap
    topics = kafka_topics.catalog()
    app = payments_app(kafka_topics, tmp_path)
    order_id = str(uuid.uuid4())
    event = OrderReserved(
        order_id=order_id, customer_id="c-42", total_cents=4599, payment_token="tok_visa"
    )
    first_id = str(uuid.uuid4())
    async with running(app):
        for ce_id in (first_id, first_id, str(uuid.uuid4())):
            await publish(bootstrap, topics["orders.v1"], event, key=order_id, ce_id=ce_id)
        await eventually(
            lambda: (
                handled(app, topics["orders.v1"], "handled") == 2
                and handled(app, topics["orders.v1"], "duplicate") == 1
            )
        )

        async def captured() -> list[events_pb2.PaymentCaptured]:
            records = await read_topic(bootstrap, topics["payments.v1"])
            return [
                events_pb2.PaymentCaptured.FromString(payload)
                for ce_type, payload in records
                if ce_type == "shop.payments.v1.PaymentCaptured"
            ]

        [payment_event] = await eventually(captured)
        assert (payment_event.order_id, payment_event.amount_cents) == (order_id, 4599)

        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc_port}") as channel:
            stub = PaymentServiceStub(channel)
            reply = await stub.GetPayment(payments_pb2.GetPaymentRequest(order_id=order_id))
            assert reply.payment.status == payments_pb2.PAYMENT_STATUS_CAPTURED
            assert reply.payment.capture_count == 1
            assert reply.payment.payment_id == payment_event.payment_id
            with pytest.raises(grpc.aio.AioRpcError) as empty:
                await stub.GetPayment(payments_pb2.GetPaymentRequest(order_id=""))
            assert empty.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "order_id" in (empty.value.details() or "")
            with pytest.raises(grpc.aio.AioRpcError) as unknown:
                await stub.GetPayment(payments_pb2.GetPaymentRequest(order_id="no-such-order"))
            assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    assert len(await read_topic(bootstrap, topics["payments.v1"])) == 1


async def test_game_day_fault_on_capture_payment_dead_letters_without_charging(
    kafka_topics: KafkaTopics, tmp_path: Path
) -> None:
    bootstrap = kafka_topics.bootstrap
    topics = kafka_topics.catalog()
    app = payments_app(
        kafka_topics,
        tmp_path,
        faults={"capture_payment": Fault(error_rate=1.0)},
        consumer_max_attempts=2,
        retry_backoff_ms=1,
    )
    order_id = str(uuid.uuid4())
    event = OrderReserved(
        order_id=order_id, customer_id="c-7", total_cents=100, payment_token="tok_visa"
    )
    async with running(app):
        await publish(bootstrap, topics["orders.v1"], event, key=order_id, ce_id=order_id)
        [(ce_type, payload)] = await eventually(
            lambda: read_topic(bootstrap, topics["payments.dlq"])
        )
        assert ce_type == "shop.orders.v1.OrderReserved"
        assert OrderReserved.FromString(payload).order_id == order_id
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc_port}") as channel:
            with pytest.raises(grpc.aio.AioRpcError) as missing:
                await PaymentServiceStub(channel).GetPayment(
                    payments_pb2.GetPaymentRequest(order_id=order_id)
                )
            assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    assert await read_topic(bootstrap, topics["payments.v1"]) == []
