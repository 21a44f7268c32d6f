from __future__ import annotations

import uuid
from pathlib import Path

import grpc
import pytest
from homefield.testing.events import publish, read_topic
from homefield.testing.kafka import KafkaTopics
from homefield.testing.service import eventually, running
from shipping.bootstrap import build
from shipping.settings import ShippingSettings
from shop.orders.v1.events_pb2 import OrderConfirmed
from shop.orders.v1.orders_pb2 import OrderItem
from shop.shipping.v1 import shipping_pb2
from shop.shipping.v1.events_pb2 import ShipmentDispatched
from shop.shipping.v1.shipping_pb2_grpc import ShippingServiceStub

pytestmark = pytest.mark.integration


async def test_confirmed_order_is_dispatched_once_and_readable(
    kafka_topics: KafkaTopics, tmp_path: Path
) -> None:
    bootstrap = kafka_topics.bootstrap
    topics = kafka_topics.catalog()
    settings = ShippingSettings(
        kafka_bootstrap=bootstrap,
        topic_prefix=kafka_topics.prefix,
        database_url=f"sqlite:///{tmp_path / 'shipping.sqlite3'}",
        grpc_port=0,
        http_port=0,
    )
    app = build(settings)
    order_id = str(uuid.uuid4())
    event = OrderConfirmed(
        order_id=order_id,
        customer_id="c-9",
        items=[OrderItem(sku="SKU-MUG-001", quantity=1, unit_price_cents=1450)],
        total_cents=1450,
    )
    async with running(app):
        for _ in range(2):
            await publish(bootstrap, topics["orders.v1"], event, key=order_id)
        labels = {
            "topic": topics["orders.v1"],
            "handler": "dispatch_shipment",
            "outcome": "handled",
        }
        await eventually(
            lambda: (
                app.metrics.registry.get_sample_value("kafka_consumed_messages_total", labels) == 2
            )
        )
        [(ce_type, payload)] = await eventually(
            lambda: read_topic(bootstrap, topics["shipping.v1"])
        )
        assert ce_type == "shop.shipping.v1.ShipmentDispatched"
        sent = ShipmentDispatched.FromString(payload)
        assert sent.order_id == order_id

        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc_port}") as channel:
            stub = ShippingServiceStub(channel)
            reply = await stub.GetShipment(shipping_pb2.GetShipmentRequest(order_id=order_id))
            assert reply.shipment.tracking_number == sent.tracking_number
            with pytest.raises(grpc.aio.AioRpcError) as unknown:
                await stub.GetShipment(shipping_pb2.GetShipmentRequest(order_id="o-404"))
            assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
            with pytest.raises(grpc.aio.AioRpcError) as empty:
                await stub.GetShipment(shipping_pb2.GetShipmentRequest(order_id=""))
            assert empty.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert len(await read_topic(bootstrap, topics["shipping.v1"])) == 1
