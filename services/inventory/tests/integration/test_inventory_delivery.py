"""inventory's consumer on a real broker: poison messages, redelivery, the DLQ."""

import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from homefield.runtime.db import utc_now
from homefield.runtime.envelope import encode_headers
from homefield.testing.events import publish, read_topic
from homefield.testing.service import create_topics, eventually, running, unique_prefix
from inventory.bootstrap import build
from inventory.settings import InventorySettings
from shop.orders.v1 import events_pb2, orders_pb2

pytestmark = pytest.mark.integration


def placed(order_id: str, sku: str = "SKU-MUG-001", quantity: int = 2) -> events_pb2.OrderPlaced:
    item = orders_pb2.OrderItem(sku=sku, quantity=quantity, unit_price_cents=1450)
    return events_pb2.OrderPlaced(order_id=order_id, customer_id="c1", items=[item])


def headers(ce_id: str, ce_type: str = "shop.orders.v1.OrderPlaced") -> list[tuple[str, bytes]]:
    return encode_headers(
        ce_id=ce_id, ce_type=ce_type, ce_source="//test", ce_time=utc_now(), traceparent=""
    )


async def read_all(bootstrap: str, topic: str, expect: int) -> list:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    records: list = []
    try:

        async def enough() -> bool:
            batch = await consumer.getmany(timeout_ms=200)
            records.extend(r for rs in batch.values() for r in rs)
            return len(records) >= expect

        await eventually(enough)
    finally:
        await consumer.stop()
    return records


async def test_a_poison_message_is_dead_lettered_and_the_next_one_is_still_handled(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    prefix = unique_prefix()
    await create_topics(kafka_bootstrap, prefix)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    topic = prefix + "orders.v1"
    await producer.send_and_wait(topic, b"not protobuf", key=b"o-1", partition=0, headers=[])
    bad = headers("ce-bad")
    await producer.send_and_wait(topic, b"\xff\xff\xff", key=b"o-1", partition=0, headers=bad)
    good = placed("o-2")
    await producer.send_and_wait(
        topic, good.SerializeToString(), key=b"o-2", partition=0, headers=headers("ce-good")
    )
    await producer.stop()
    settings = InventorySettings(
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=prefix,
        grpc_port=0,
        http_port=0,
        database_url=f"sqlite:///{tmp_path / 'inventory.sqlite3'}",
        retry_backoff_ms=5,
    )
    app = build(settings)
    async with running(app):
        await eventually(
            lambda: app.db.conn.execute(
                "SELECT 1 FROM reservations WHERE order_id = 'o-2'"
            ).fetchone()
        )
        dead = await read_all(kafka_bootstrap, prefix + "inventory.dlq", expect=2)
    by_offset = {int(dict(r.headers)["dlq_original_offset"]): dict(r.headers) for r in dead}
    assert set(by_offset) == {0, 1}
    assert b"missing CloudEvents headers" in by_offset[0]["dlq_error"]
    assert b"undecodable" in by_offset[1]["dlq_error"]
    assert by_offset[1]["dlq_original_topic"] == topic.encode()
    assert by_offset[1]["dlq_original_partition"] == b"0"


async def test_a_message_delivered_twice_has_one_effect(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    prefix = unique_prefix()
    await create_topics(kafka_bootstrap, prefix)
    order_id = f"o-{uuid.uuid4().hex[:8]}"
    event = placed(order_id, quantity=3)
    for _ in range(2):
        await publish(kafka_bootstrap, prefix + "orders.v1", event, key=order_id, ce_id="ce-same")
    settings = InventorySettings(
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=prefix,
        grpc_port=0,
        http_port=0,
        database_url=f"sqlite:///{tmp_path / 'inventory.sqlite3'}",
    )
    app = build(settings)
    async with running(app):
        labels = {"topic": prefix + "orders.v1", "handler": "reserve_stock", "outcome": "duplicate"}
        await eventually(
            lambda: app.metrics.registry.get_sample_value("kafka_consumed_messages_total", labels)
        )
        await eventually(lambda: app.db.outbox_backlog() == 0)
        available = app.db.conn.execute(
            "SELECT available, reserved FROM products WHERE sku = 'SKU-MUG-001'"
        ).fetchone()
    out = await read_topic(kafka_bootstrap, prefix + "inventory.v1")  # everything, to the end
    assert tuple(available) == (300 - 3, 3)
    assert [ce_type for ce_type, _ in out] == ["shop.inventory.v1.StockReserved"]
