"""The consumer pipeline end to end on fakes: retries, backoff, dead letters, commits."""

from pathlib import Path

import pytest
from aiokafka import TopicPartition
from homefield.runtime import dlq
from homefield.runtime.consumer import EventConsumer, RetryPolicy
from homefield.runtime.db import Transaction
from homefield.runtime.errors import InvalidEvent
from homefield.runtime.faults import FaultInjector
from homefield.runtime.metrics import Metrics
from homefield.runtime.settings import Fault
from homefield.testing.database import sqlite_database
from opentelemetry.trace import NoOpTracer
from shop.orders.v1 import events_pb2

from .consumer_fakes import (
    TOPIC,
    FakeConsumer,
    FakeProducer,
    FakeRecord,
    FakeSleep,
    record,
    remember,
    routes,
)

TP = TopicPartition(TOPIC, 0)


class Shop:
    """One EventConsumer wired to fakes, and what it did."""

    def __init__(self, tmp_path: Path, handler=remember, *, attempts: int = 4, **faults: Fault):
        self.db = sqlite_database(tmp_path, topic="t", tables="CREATE TABLE seen (id TEXT);")
        self.metrics = Metrics(service="test", team="t", tier=1, version="0")
        self.kafka = FakeConsumer()
        self.producer = FakeProducer()
        self.sleep = FakeSleep()
        writer = dlq.DeadLetterWriter(
            self.producer,  # type: ignore[arg-type]
            topic="test.dlq",
            metrics=self.metrics,
            sleep=self.sleep,
        )
        self.consumer = EventConsumer(
            consumer=self.kafka,  # type: ignore[arg-type]
            dead_letters=writer,
            routes=routes(handler),
            db=self.db,
            metrics=self.metrics,
            tracer=NoOpTracer(),
            faults=FaultInjector(faults),
            retry=RetryPolicy(max_attempts=attempts, backoff_seconds=0.05),
            sleep=self.sleep,
        )

    async def deliver(self, *records: FakeRecord) -> None:
        await self.consumer.handle_batch({TP: list(records)})  # type: ignore[dict-item]

    def seen(self) -> list[str]:
        return [row[0] for row in self.db.conn.execute("SELECT id FROM seen ORDER BY rowid")]

    def count(self, name: str, **labels: str) -> float:
        return self.metrics.registry.get_sample_value(name, labels) or 0.0

    def outcome(self, outcome: str, handler: str = "remember_order") -> float:
        labels = {"topic": TOPIC, "handler": handler, "outcome": outcome}
        return self.count("kafka_consumed_messages_total", **labels)

    def dead_letters(self) -> list[dict[str, bytes]]:
        return [headers for _, _, headers in self.producer.sent]


def flaky(failures: int):
    """A handler that fails its first ``failures`` calls, then works."""
    calls = {"n": 0}

    def handler(event: events_pb2.OrderPlaced, tx: Transaction) -> None:
        calls["n"] += 1
        if calls["n"] <= failures:
            raise RuntimeError(f"attempt {calls['n']} failed")
        remember(event, tx)

    return handler


async def test_a_failing_record_is_retried_with_exponential_backoff_until_it_succeeds(
    tmp_path: Path,
) -> None:
    shop = Shop(tmp_path, flaky(2))
    await shop.deliver(record("a", "1", offset=0), record("b", "2", offset=1))
    assert shop.seen() == ["a", "b"]
    # attempt 1 on the fast path fails, attempt 2 after 0.05 s fails, attempt 3 after 0.1 s works
    assert shop.sleep.waits == [0.05, 0.1]
    errors = shop.count("kafka_consume_errors_total", topic=TOPIC, handler="remember_order")
    assert (errors, shop.outcome("handled")) == (2, 2)
    assert shop.kafka.committed == [{TP: 2}]
    assert shop.dead_letters() == []


async def test_a_record_that_fails_every_attempt_is_dead_lettered_and_the_rest_go_on(
    tmp_path: Path,
) -> None:
    shop = Shop(tmp_path)
    await shop.deliver(
        record("a", "1", offset=0), record("bad", "2", offset=1), record("c", "3", offset=2)
    )
    assert shop.seen() == ["a", "c"]
    assert shop.sleep.waits == [0.05, 0.1, 0.2]
    [headers] = shop.dead_letters()
    assert headers[dlq.ATTEMPTS] == b"4"
    assert headers[dlq.HANDLER] == b"remember_order"
    assert headers[dlq.ORIGINAL_OFFSET] == b"1"
    assert b"cannot handle bad" in headers[dlq.ERROR]
    assert (headers["ce_id"], headers["key"]) == (b"2", b"bad")
    assert shop.outcome("dead_lettered") == 1
    assert shop.kafka.committed == [{TP: 3}]


async def test_an_invalid_event_is_dead_lettered_at_once_without_retries(tmp_path: Path) -> None:
    def refuse(event: events_pb2.OrderPlaced, _tx: Transaction) -> None:
        raise InvalidEvent(f"OrderPlaced {event.order_id} without items")

    shop = Shop(tmp_path, refuse)
    await shop.deliver(record("a", "1"))
    assert shop.sleep.waits == []
    [headers] = shop.dead_letters()
    assert headers[dlq.ATTEMPTS] == b"1"
    assert b"without items" in headers[dlq.ERROR]


async def test_one_attempt_means_no_retry(tmp_path: Path) -> None:
    shop = Shop(tmp_path, attempts=1)
    await shop.deliver(record("bad", "1"))
    assert (shop.sleep.waits, len(shop.dead_letters())) == ([], 1)


async def test_poison_is_dead_lettered_with_no_attempt_and_unknown_types_are_ignored(
    tmp_path: Path,
) -> None:
    shop = Shop(tmp_path)
    unknown = record("x", "9", offset=1, ce_type="shop.orders.v1.OrderShipped")
    await shop.deliver(FakeRecord(b"junk", [], offset=0), unknown, record("a", "1", offset=2))
    [headers] = shop.dead_letters()
    assert (headers[dlq.ATTEMPTS], headers[dlq.HANDLER]) == (b"0", b"none")
    assert b"poison message" in headers[dlq.ERROR]
    assert shop.outcome("ignored", handler="none") == 1
    assert shop.outcome("dead_lettered", handler="none") == 1
    assert shop.seen() == ["a"]


async def test_a_faulted_handler_takes_the_retrying_path_and_its_faults_count(
    tmp_path: Path,
) -> None:
    shop = Shop(tmp_path, attempts=2, remember_order=Fault(error_rate=1.0))
    await shop.deliver(record("a", "1"))
    assert shop.seen() == []
    assert shop.sleep.waits == [0.05]
    [headers] = shop.dead_letters()
    assert b"injected fault in remember_order" in headers[dlq.ERROR]


async def test_a_dead_letter_waits_for_the_broker_instead_of_being_dropped(
    tmp_path: Path,
) -> None:
    shop = Shop(tmp_path, attempts=1)
    shop.producer.failures = 3
    await shop.deliver(record("bad", "1"))
    assert len(shop.dead_letters()) == 1
    assert shop.sleep.waits == [0.5, 0.5, 0.5]
    assert shop.count("kafka_produce_errors_total", topic="test.dlq") == 3


async def test_a_commit_for_a_partition_no_longer_assigned_is_skipped(tmp_path: Path) -> None:
    shop = Shop(tmp_path)
    shop.kafka.partitions = set()
    await shop.deliver(record("a", "1"))
    assert (shop.seen(), shop.kafka.committed) == (["a"], [])


def test_dead_letter_headers_are_removed_for_a_replay() -> None:
    original = record("a", "1")
    headers = dlq.dead_letter_headers(original, error="e" * 5000, handler="h", attempts=2)
    assert len(dict(headers)[dlq.ERROR]) == dlq.MAX_ERROR_CHARS
    assert dlq.without_dlq_headers(headers) == original.headers


@pytest.mark.parametrize("service", ["orders", "gift-cards"])
def test_the_dlq_topic_is_named_after_the_consuming_service(service: str) -> None:
    assert dlq.dlq_topic(service, "t-") == f"t-{service}.dlq"
