"""Publish and read events on a real broker the way services do, for integration tests."""

from __future__ import annotations

import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from google.protobuf.message import Message

from homefield.runtime.db import utc_now
from homefield.runtime.envelope import encode_headers


async def publish(
    bootstrap: str, topic: str, *events: Message, key: str, ce_id: str | None = None
) -> None:
    """Send ``events`` as CloudEvents, as a producer's relay would. A fixed ``ce_id`` makes
    repeated calls redeliveries of one event."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for event in events:
            headers = encode_headers(
                ce_id=ce_id or str(uuid.uuid4()),
                ce_type=event.DESCRIPTOR.full_name,
                ce_source="//homefield/tests",
                ce_time=utc_now(),
                traceparent="",
            )
            await producer.send_and_wait(
                topic, event.SerializeToString(), key=key.encode(), headers=headers
            )
    finally:
        await producer.stop()


async def read_topic(bootstrap: str, topic: str) -> list[tuple[str, bytes]]:
    """Every record on ``topic`` so far, as (ce_type, payload)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        partitions = sorted(consumer.assignment())
        ends = await consumer.end_offsets(partitions)
        found: list[tuple[str, bytes]] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    found.append((dict(r.headers).get("ce_type", b"").decode(), r.value or b""))
        return found
    finally:
        await consumer.stop()
