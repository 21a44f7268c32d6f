"""The relay and RecoveringProducer against fake producers that fail the ways aiokafka's do."""

import asyncio
import gc
from collections.abc import Callable
from pathlib import Path

import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    UnknownProducerId,
)
from homefield.runtime.db import Database
from homefield.runtime.faults import FaultInjector
from homefield.runtime.metrics import Metrics
from homefield.runtime.producer import AcknowledgementTimeout, Outgoing, RecoveringProducer
from homefield.runtime.relay import RELAY_FAULT, DeliveryFailed, OutboxRelay
from homefield.runtime.settings import Fault
from homefield.testing.database import sqlite_database
from opentelemetry import trace
from shop.orders.v1 import events_pb2

Behaviour = Callable[[int], BaseException | None | str]
Sent = tuple[str, bytes | None, bytes, int]


class FakeProducer:
    """Stands in for AIOKafkaProducer. ``behaviour(n)`` for the n-th send of this producer says
    what happens: None (acknowledged), an exception (the future fails with it), "refuse"
    (send() itself raises KafkaTimeoutError) or "hang" (no acknowledgement ever comes)."""

    def __init__(self, behaviour: Behaviour, log: list[tuple[int, Sent]], number: int) -> None:
        self.behaviour = behaviour
        self.log = log
        self.number = number
        self.sends = 0
        self.started = False
        self.stopped = False

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    async def send(
        self, topic: str, value: bytes, *, key: bytes | None, headers: list[tuple[str, bytes]]
    ) -> asyncio.Future[None]:
        outcome = self.behaviour(self.sends)
        self.sends += 1
        if outcome == "refuse":
            raise KafkaTimeoutError()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if outcome is None:
            self.log.append((self.number, (topic, key, value, len(headers))))
            future.set_result(None)
        elif isinstance(outcome, BaseException):
            future.set_exception(outcome)
        return future


class FakeProducers:
    """A factory: the i-th producer it builds behaves as ``behaviours[i]`` (the last repeats)."""

    def __init__(self, *behaviours: Behaviour) -> None:
        self.behaviours = behaviours
        self.built: list[FakeProducer] = []
        self.delivered: list[tuple[int, Sent]] = []

    def __call__(self) -> FakeProducer:
        index = min(len(self.built), len(self.behaviours) - 1)
        producer = FakeProducer(self.behaviours[index], self.delivered, len(self.built))
        self.built.append(producer)
        return producer

    def values(self) -> list[bytes]:
        return [sent[2] for _, sent in self.delivered]


def healthy(_: int) -> None:
    return None


def fails_from(n: int, error: type[BaseException]) -> Behaviour:
    return lambda sent: error() if sent >= n else None


def recovering(factory: FakeProducers, **kwargs: float) -> RecoveringProducer:
    return RecoveringProducer(factory, name="test", **kwargs)  # type: ignore[arg-type]


def messages(count: int) -> list[Outgoing]:
    return [Outgoing("orders.v1", f"m{i}".encode(), key=b"k") for i in range(count)]


@pytest.mark.parametrize(
    "spent", [OutOfOrderSequenceNumber, UnknownProducerId, ProducerFenced], ids=lambda e: e.__name__
)
async def test_a_spent_producer_is_replaced_and_the_resend_delivers_the_rest(
    spent: type[BaseException],
) -> None:
    factory = FakeProducers(fails_from(3, spent), healthy)
    producer = recovering(factory)
    first = await producer.send_batch(messages(6))
    assert [error is None for error in first] == [True] * 3 + [False] * 3
    assert all(isinstance(error, spent) for error in first[3:])
    await producer.send_batch(messages(6)[3:])
    await producer.stop()
    assert factory.values() == [b"m0", b"m1", b"m2", b"m3", b"m4", b"m5"]
    assert producer.replacements == 1 and factory.built[0].stopped


async def test_an_error_that_repeats_past_the_bound_replaces_the_producer() -> None:
    factory = FakeProducers(fails_from(0, KafkaConnectionError), healthy)
    producer = recovering(factory, repeat_bound=3)
    for _ in range(2):
        await producer.send_batch(messages(1))
    assert producer.replacements == 0, "a passing error is retried on the same producer"
    await producer.send_batch(messages(1))
    assert producer.replacements == 1
    assert await producer.send_batch(messages(1)) == [None]
    await producer.stop()


async def test_no_acknowledgement_within_the_deadline_replaces_the_producer() -> None:
    factory = FakeProducers(lambda sent: "hang" if sent == 1 else None, healthy)
    producer = recovering(factory, ack_timeout=0.05)
    errors = await producer.send_batch(messages(3))
    assert errors[0] is None and isinstance(errors[1], AcknowledgementTimeout)
    assert producer.replacements == 1
    await producer.stop()


async def test_after_a_refused_send_nothing_later_is_sent() -> None:
    factory = FakeProducers(lambda sent: "refuse" if sent == 2 else None)
    producer = recovering(factory)
    errors = await producer.send_batch(messages(5))
    assert [error is None for error in errors] == [True, True, False, False, False]
    assert factory.values() == [b"m0", b"m1"], "m3 and m4 must not overtake m2"
    await producer.stop()


def _database(tmp_path: Path, rows: int) -> Database:
    db = sqlite_database(tmp_path, topic="orders.v1")
    for i in range(rows):
        with db.transaction() as tx:
            tx.publish(events_pb2.OrderPlaced(order_id=f"o{i}"), key=f"o{i % 3}")
    return db


def _relay(db: Database, producer: RecoveringProducer, faults: dict[str, Fault]) -> OutboxRelay:
    metrics = Metrics(service="orders", team="checkout", tier=1, version="t")
    return OutboxRelay(
        outbox=db,
        producer=producer,
        metrics=metrics,
        tracer=trace.get_tracer("test"),
        faults=FaultInjector(faults),
        source="//homefield/orders",
        batch_size=4,
        max_backoff_seconds=0.01,
    )


def _order_ids(values: list[bytes]) -> list[str]:
    return [events_pb2.OrderPlaced.FromString(value).order_id for value in values]


async def test_the_relay_resends_from_the_outbox_in_order_after_a_spent_producer(
    tmp_path: Path, recwarn: pytest.WarningsRecorder
) -> None:
    db = _database(tmp_path, 10)
    factory = FakeProducers(fails_from(6, OutOfOrderSequenceNumber), healthy)
    relay = _relay(db, recovering(factory), {})
    await relay.deliver_until_drained()
    delivered = _order_ids(factory.values())
    assert delivered == [f"o{i}" for i in range(10)], "every row once, in outbox order"
    assert db.outbox_backlog() == 0 and len(factory.built) == 2
    gc.collect()
    assert not [w for w in recwarn if "never retrieved" in str(w.message)]


async def test_the_outbox_relay_fault_keeps_every_row_undelivered(tmp_path: Path) -> None:
    db = _database(tmp_path, 3)
    factory = FakeProducers(healthy)
    relay = _relay(db, recovering(factory), {RELAY_FAULT: Fault(error_rate=1.0)})
    with pytest.raises(DeliveryFailed, match="injected fault in outbox-relay"):
        await relay.deliver_pending()
    assert db.outbox_backlog() == 3 and factory.values() == []
