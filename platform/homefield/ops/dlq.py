"""Dead letters: list what a service's consumer gave up on, and replay it once the cause is fixed.

A replayed message goes back to its original topic with its original key, value and CloudEvents
headers (the ``dlq_*`` headers dropped). Consumers record every handled ``ce_id``, so services
that had already handled the event ignore it, and only the one that failed handles it again.
Replay reads the DLQ in the consumer group ``<service>.dlq-replay`` and commits after each
message is republished, so a dead letter is replayed once however often the command runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from homefield.runtime import dlq as names


@dataclass(frozen=True)
class DeadLetter:
    offset: int
    original_topic: str
    original_partition: str
    original_offset: str
    handler: str
    error: str
    ce_type: str
    ce_id: str
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    @property
    def replay_headers(self) -> list[tuple[str, bytes]]:
        return names.without_dlq_headers(self.headers)


def _dead_letter(record: object) -> DeadLetter:
    headers = tuple(getattr(record, "headers", ()))
    found = {k: v.decode(errors="replace") for k, v in headers}
    return DeadLetter(
        offset=int(getattr(record, "offset", -1)),
        original_topic=found.get(names.ORIGINAL_TOPIC, ""),
        original_partition=found.get(names.ORIGINAL_PARTITION, ""),
        original_offset=found.get(names.ORIGINAL_OFFSET, ""),
        handler=found.get(names.HANDLER, ""),
        error=found.get(names.ERROR, ""),
        ce_type=found.get("ce_type", ""),
        ce_id=found.get("ce_id", ""),
        key=getattr(record, "key", None),
        value=getattr(record, "value", None),
        headers=headers,
    )


async def _read(
    consumer: AIOKafkaConsumer, topic: str, partitions: set[int]
) -> list[tuple[TopicPartition, object]]:
    """Every record from the consumer's position to the end of ``topic`` as it is now."""
    assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(assigned)
    ends = await consumer.end_offsets(assigned)
    records: list[tuple[TopicPartition, object]] = []
    while [tp for tp in assigned if await consumer.position(tp) < ends[tp]]:
        batch = await consumer.getmany(timeout_ms=500)
        for tp, found in batch.items():
            records += [(tp, record) for record in found if record.offset < ends[tp]]
    return records


async def _partitions(producer: AIOKafkaProducer, topic: str) -> set[int]:
    return set(await producer.partitions_for(topic))


async def list_dead_letters(bootstrap: str, service: str, prefix: str = "") -> list[DeadLetter]:
    """Every message on ``<service>.dlq`` (replayed or not), oldest first."""
    dlq = names.dlq_topic(service, prefix)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    metadata = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await consumer.start()
    await metadata.start()
    try:
        records = await _read(consumer, dlq, await _partitions(metadata, dlq))
        return [_dead_letter(record) for _, record in records]
    finally:
        await metadata.stop()
        await consumer.stop()


async def replay_dead_letters(
    bootstrap: str, service: str, *, echo: Callable[[str], None], prefix: str = ""
) -> int:
    """Republish every dead letter not replayed before; return how many were replayed."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=names.dlq_topic(service, prefix) + "-replay",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    replayed = 0
    try:
        dlq = names.dlq_topic(service, prefix)
        for tp, record in await _read(consumer, dlq, await _partitions(producer, dlq)):
            letter = _dead_letter(record)
            if not letter.original_topic:
                echo(f"skipped offset {letter.offset}: no {names.ORIGINAL_TOPIC} header")
            else:
                await producer.send_and_wait(
                    letter.original_topic,
                    letter.value,
                    key=letter.key,
                    headers=letter.replay_headers,
                )
                echo(
                    f"replayed offset {letter.offset} ({letter.ce_type or 'no type'}) "
                    f"to {letter.original_topic}"
                )
                replayed += 1
            await consumer.commit({tp: letter.offset + 1})
    finally:
        await producer.stop()
        await consumer.stop()
    return replayed
