"""Fakes for the consumer's unit tests: records, a polled consumer and a DLQ producer."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError
from homefield.runtime.db import Transaction, utc_now
from homefield.runtime.envelope import encode_headers
from homefield.runtime.producer import Outgoing
from homefield.runtime.registry import Route
from shop.orders.v1 import events_pb2

TOPIC = "orders.v1"


@dataclass
class FakeRecord:
    """Stands in for aiokafka's ConsumerRecord: the fields the consumer reads."""

    value: bytes | None
    headers: list[tuple[str, bytes]]
    topic: str = TOPIC
    partition: int = 0
    offset: int = 0
    key: bytes = b""
    timestamp: int = field(default_factory=lambda: int(time.time() * 1000))


def record(
    order_id: str, ce_id: str, *, offset: int = 0, ce_type: str = "shop.orders.v1.OrderPlaced"
) -> FakeRecord:
    headers = encode_headers(
        ce_id=ce_id, ce_type=ce_type, ce_source="//t", ce_time=utc_now(), traceparent=""
    )
    payload = events_pb2.OrderPlaced(order_id=order_id).SerializeToString()
    return FakeRecord(payload, headers, offset=offset, key=order_id.encode())


def remember(event: events_pb2.OrderPlaced, tx: Transaction) -> None:
    """The handler under test: records the order id, and fails for ids starting with "bad"."""
    tx.execute("INSERT INTO seen VALUES (?)", (event.order_id,))
    if event.order_id.startswith("bad"):
        raise ValueError("cannot handle " + event.order_id)


def routes(handler: Callable[[events_pb2.OrderPlaced, Transaction], None] = remember) -> dict:
    return {"shop.orders.v1.OrderPlaced": Route("remember_order", events_pb2.OrderPlaced, handler)}


@dataclass
class FakeConsumer:
    """Hands out the batches it was given, records commits."""

    batches: list[dict[TopicPartition, list[FakeRecord]]] = field(default_factory=list)
    committed: list[dict[TopicPartition, int]] = field(default_factory=list)
    partitions: set[TopicPartition] = field(default_factory=lambda: {TopicPartition(TOPIC, 0)})

    async def getmany(self, **_: object) -> dict[TopicPartition, list[FakeRecord]]:
        return self.batches.pop(0) if self.batches else {}

    def assignment(self) -> set[TopicPartition]:
        return self.partitions

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.committed.append(dict(offsets))

    def highwater(self, tp: TopicPartition) -> int:
        return 10 if tp in self.partitions else 0


@dataclass
class FakeProducer:
    """Acknowledges sends after failing the first ``failures`` of them."""

    failures: int = 0
    sent: list[tuple[str, bytes | None, dict[str, bytes]]] = field(default_factory=list)

    async def send_and_wait(self, message: Outgoing) -> None:
        if self.failures:
            self.failures -= 1
            raise KafkaConnectionError("broker restarting")
        headers = {**dict(message.headers), "key": message.key}
        self.sent.append((message.topic, message.value, headers))


@dataclass
class FakeSleep:
    """Records every wait instead of waiting."""

    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
