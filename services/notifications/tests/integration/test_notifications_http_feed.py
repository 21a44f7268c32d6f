from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from homefield.testing.events import publish
from homefield.testing.kafka import KafkaTopics
from homefield.testing.service import eventually, running
from notifications.bootstrap import build
from notifications.settings import NotificationsSettings
from shop.orders.v1 import events_pb2, orders_pb2

pytestmark = pytest.mark.integration


async def test_cancelled_order_messages_are_served_over_http(
    kafka_topics: KafkaTopics, tmp_path: Path
) -> None:
    bootstrap = kafka_topics.bootstrap
    topics = kafka_topics.catalog()
    settings = NotificationsSettings(
        kafka_bootstrap=bootstrap,
        topic_prefix=kafka_topics.prefix,
        database_url=f"sqlite:///{tmp_path / 'notifications.sqlite3'}",
        http_port=0,
    )
    app = build(settings)
    order_id, customer_id = str(uuid.uuid4()), f"c-{uuid.uuid4().hex[:8]}"
    placed = events_pb2.OrderPlaced(
        order_id=order_id,
        customer_id=customer_id,
        items=[orders_pb2.OrderItem(sku="SKU-LTD-001", quantity=1, unit_price_cents=12500)],
        total_cents=12500,
    )
    reserved = events_pb2.OrderReserved(order_id=order_id, customer_id=customer_id)
    cancelled = events_pb2.OrderCancelled(
        order_id=order_id, customer_id=customer_id, reason=orders_pb2.CANCEL_REASON_OUT_OF_STOCK
    )
    async with running(app):
        await publish(
            bootstrap, topics["orders.v1"], placed, reserved, cancelled, cancelled, key=order_id
        )
        base = f"http://127.0.0.1:{app.http_port}"
        async with httpx.AsyncClient(base_url=base) as client:

            async def feed() -> Any:
                response = await client.get("/v1/notifications", params={"order_id": order_id})
                assert response.status_code == 200
                return response.json() if len(response.json()) >= 2 else None

            labels = {
                "topic": topics["orders.v1"],
                "handler": "notify_order_cancelled",
                "outcome": "handled",
            }
            await eventually(
                lambda: (
                    app.metrics.registry.get_sample_value("kafka_consumed_messages_total", labels)
                    == 2
                )
            )
            body = await eventually(feed)
            assert [(n["kind"], n["customer_id"]) for n in body] == [
                ("placed", customer_id),
                ("cancelled", customer_id),
            ]
            assert body[1]["message"].startswith(
                f"Your order {order_id} was cancelled: out of stock"
            )
            by_customer = await client.get("/v1/notifications", params={"customer_id": customer_id})
            assert by_customer.json() == body
            missing = await client.get("/v1/notifications")
            assert missing.status_code == 422
            assert missing.json()["detail"][0]["loc"] == ["query", "order_id"]
