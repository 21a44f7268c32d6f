"""The outbox relay on a real broker that is killed (kill -9) and restarted mid-stream: every
row arrives, each key's events in order, and the outbox empties. The broker is this test's own,
so the shared test broker is not disturbed."""

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from homefield.catalog import find_repo_root
from homefield.local.admin import TopicPlan, create_topics
from homefield.local.kafka import LocalKafka
from homefield.runtime.db import Database
from homefield.runtime.faults import FaultInjector
from homefield.runtime.kafka import new_producer
from homefield.runtime.metrics import Metrics
from homefield.runtime.producer import RecoveringProducer
from homefield.runtime.relay import OutboxRelay
from homefield.testing.database import sqlite_database
from homefield.testing.kafka import local_broker
from homefield.testing.service import eventually
from opentelemetry import trace
from shop.orders.v1 import events_pb2

pytestmark = pytest.mark.integration
KEYS = 30
ROWS_BEFORE, ROWS_DURING = 300, 300
KILL_AFTER_SEEN = 100
# Deadlines scale with the work: a broker start, then a few seconds per hundred rows.
DEADLINE = 120 + (ROWS_BEFORE + ROWS_DURING) / 100 * 5


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[LocalKafka]:
    with local_broker(find_repo_root(Path(__file__)), tmp_path / "kafka") as kafka:
        yield kafka


def publish(db: Database, start: int, count: int) -> None:
    for n in range(start, start + count):
        with db.transaction() as tx:
            key = f"k{n % KEYS}"
            tx.publish(events_pb2.OrderPlaced(order_id=f"{key}:{n}"), key=key)


# Two broker starts and 600 rows: longer than the suite's default timeout on a busy machine.
@pytest.mark.timeout(DEADLINE * 5)
async def test_the_relay_delivers_everything_in_key_order_across_a_killed_broker(
    own_broker: LocalKafka, tmp_path: Path
) -> None:
    bootstrap = own_broker.bootstrap
    await create_topics(bootstrap, {"orders.v1": TopicPlan(3)})
    db = sqlite_database(tmp_path, topic="orders.v1")
    publish(db, 0, ROWS_BEFORE)
    producer = RecoveringProducer(lambda: new_producer(bootstrap), name="relay", ack_timeout=20)
    relay = OutboxRelay(
        outbox=db,
        producer=producer,
        metrics=Metrics(service="orders", team="checkout", tier=1, version="t"),
        tracer=trace.get_tracer("test"),
        faults=FaultInjector({}),
        source="//homefield/orders",
        batch_size=20,
    )
    db.on_commit(relay.wake)
    task = asyncio.create_task(relay.run())
    try:
        seen = await read_topic(bootstrap, until=KILL_AFTER_SEEN)
        assert _distinct(seen) >= KILL_AFTER_SEEN
        await asyncio.to_thread(own_broker.kill)
        publish(db, ROWS_BEFORE, ROWS_DURING)
        await asyncio.to_thread(own_broker.start)
        await asyncio.to_thread(own_broker.wait_ready, DEADLINE)
        await eventually(lambda: db.outbox_backlog() == 0, timeout=DEADLINE)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await producer.stop()
        db.close()
    # The whole topic as any consumer reads it from the start, after the broker came back.
    seen = await read_topic(bootstrap, until=ROWS_BEFORE + ROWS_DURING)
    for key, numbers in seen.items():
        first_seen = list(dict.fromkeys(numbers))
        assert first_seen == sorted(first_seen), f"{key}'s events arrived out of order"
    assert _distinct(seen) == ROWS_BEFORE + ROWS_DURING


async def read_topic(bootstrap: str, *, until: int) -> dict[str, list[int]]:
    """Each key's event numbers in the order a new consumer reads them, once ``until`` distinct
    events were read (AssertionError after the deadline)."""
    consumer = AIOKafkaConsumer(
        "orders.v1", bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    seen: dict[str, list[int]] = defaultdict(list)
    await consumer.start()
    try:

        async def enough() -> bool:
            batch = await consumer.getmany(timeout_ms=500)
            for record in (r for rs in batch.values() for r in rs):
                key, n = events_pb2.OrderPlaced.FromString(record.value).order_id.split(":")
                seen[key].append(int(n))
            return _distinct(seen) >= until

        await eventually(enough, timeout=DEADLINE, interval=0)
    finally:
        await consumer.stop()
    return seen


def _distinct(seen: dict[str, list[int]]) -> int:
    return sum(len(set(numbers)) for numbers in seen.values())
