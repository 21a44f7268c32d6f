from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from homefield.local.admin import TopicPlan, create_topics
from homefield.testing.kafka import KafkaTopics, local_broker

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[4]


async def _produce(bootstrap: str, topic: str, key: bytes, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def _consume(bootstrap: str, topic: str, count: int) -> list[tuple[bytes, bytes]]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        received: list[tuple[bytes, bytes]] = []
        while len(received) < count:
            batches = await consumer.getmany(timeout_ms=30_000)
            assert batches, f"no message on {topic} within 30 s"
            received += [(m.key, m.value) for msgs in batches.values() for m in msgs]
        return received
    finally:
        await consumer.stop()


async def _partitions(bootstrap: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
        return len(description["partitions"])
    finally:
        await admin.close()


async def test_catalog_topics_exist_and_carry_a_message(
    kafka_bootstrap: str, kafka_topics: KafkaTopics
) -> None:
    names = kafka_topics.catalog(REPO)
    assert {"orders.v1", "inventory.v1", "orders.dlq"} <= set(names)
    assert await _partitions(kafka_bootstrap, names["orders.v1"]) == 3
    await _produce(kafka_bootstrap, names["orders.v1"], b"order-1", b"OrderPlaced")
    assert await _consume(kafka_bootstrap, names["orders.v1"], 1) == [(b"order-1", b"OrderPlaced")]


async def test_creating_the_catalog_topics_twice_is_harmless(
    kafka_bootstrap: str, kafka_topics: KafkaTopics
) -> None:
    names = kafka_topics.catalog(REPO)
    again = {name: TopicPlan(1) for name in names.values()}
    assert await create_topics(kafka_bootstrap, again) == []


async def test_a_restarted_broker_keeps_its_topics_and_messages(tmp_path: Path) -> None:
    with local_broker(REPO, tmp_path / "kafka") as kafka:
        await create_topics(kafka.bootstrap, {"orders.v1": TopicPlan(3)})
        await _produce(kafka.bootstrap, "orders.v1", b"order-1", b"before a graceful restart")
        kafka.restart()
        await _produce(kafka.bootstrap, "orders.v1", b"order-1", b"after a graceful restart")
        kafka.kill()
        assert kafka.pid is None
        kafka.start()
        kafka.wait_ready()
        assert await _consume(kafka.bootstrap, "orders.v1", 2) == [
            (b"order-1", b"before a graceful restart"),
            (b"order-1", b"after a graceful restart"),
        ]
    assert kafka.pid is None
