"""Platform consumer relay against a raw relay that writes the same rows, over the same messages.

Both turn each OrderConfirmed into a shipment row and a ShipmentDispatched, exactly once:

- platform: a ServiceApp shaped like shipping (its catalog entry: consumes orders.v1, publishes
  shipping.v1) with one handler, so every message goes consume -> handle in the batch's SQLite
  transaction (processed ce_id, shipment row, outbox row) -> offsets -> outbox relay -> produce,
  with the runtime's envelope, spans and metrics;
- raw: what a careful engineer writes by hand with the same libraries: an aiokafka consumer and
  producer with the platform's client settings, and SQLite with the runtime's pragmas and schema;
  per polled batch one transaction that checks and records each ce_id and writes the shipment and
  outbox rows, then produce, wait for the acks, delete the outbox rows, commit the offsets. No
  spans or metrics.

Each round uses fresh topics holding N pre-produced messages; the rate is N over the time from
the first record handed to the relay to the last output message acknowledged by the broker.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaProducer
from bench_raw_relay import (
    INSERT_SHIPMENT,
    SCHEMA,
    Clock,
    RawRelay,
    open_raw_database,
    shipment_for,
)
from bench_rounds import Profiles, Sample, Stamp
from homefield.catalog import Catalog
from homefield.local.admin import TopicPlan, create_topics, delete_topics
from homefield.runtime import ServiceApp, ServiceSettings, Transaction
from homefield.runtime.db import utc_now
from homefield.runtime.envelope import encode_headers
from homefield.runtime.kafka import new_consumer, new_producer
from shop.orders.v1.events_pb2 import OrderConfirmed
from shop.orders.v1.orders_pb2 import OrderItem

SERVICE = "shipping"
_POLL_SECONDS = 0.005
_ROUND_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class RelayTopics:
    source: str
    sink: str
    dlq: str
    partitions: dict[str, int]


def relay_topics(catalog: Catalog, prefix: str) -> RelayTopics:
    spec = catalog.services[SERVICE].spec
    counts = catalog.topics()
    names = (spec.consumes[0], spec.publishes[0].topic, spec.dlq_topic)
    return RelayTopics(
        source=prefix + names[0],
        sink=prefix + names[1],
        dlq=prefix + names[2],
        partitions={prefix + name: counts[name] for name in names},
    )


def confirmed_event(index: int) -> OrderConfirmed:
    return OrderConfirmed(
        order_id=f"bench-{index:07d}",
        customer_id="bench-customer",
        items=[OrderItem(sku="SKU-BENCH", quantity=1, unit_price_cents=1999)],
        total_cents=1999,
        variant="control",
    )


def shipment_handler(clock: Clock) -> Callable[[OrderConfirmed, Transaction], None]:
    """The platform side's one handler: a shipment row and a ShipmentDispatched per event."""

    def dispatch_shipment(event: OrderConfirmed, tx: Transaction) -> None:
        clock.mark_first()
        shipment = shipment_for(event)
        tx.execute(
            INSERT_SHIPMENT, (event.order_id, shipment.shipment_id, shipment.tracking_number)
        )
        tx.publish(shipment, key=event.order_id)

    return dispatch_shipment


async def preproduce(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    await producer.start()
    try:
        futures = []
        for index in range(count):
            event = confirmed_event(index)
            headers = encode_headers(
                ce_id=str(uuid.uuid4()),
                ce_type=event.DESCRIPTOR.full_name,
                ce_source="//homefield/bench",
                ce_time=utc_now(),
                traceparent=f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01",
            )
            futures.append(
                await producer.send(
                    topic, event.SerializeToString(), key=event.order_id.encode(), headers=headers
                )
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def wait_for(done: Callable[[], bool]) -> Stamp:
    deadline = time.perf_counter() + _ROUND_TIMEOUT_SECONDS
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"relay round did not finish within {_ROUND_TIMEOUT_SECONDS:g}s")
        await asyncio.sleep(_POLL_SECONDS)
    return Stamp.now()


class RelayBench:
    """Creates fresh topics per round, fills them, and times one relay over them."""

    def __init__(
        self,
        *,
        bootstrap: str,
        catalog: Catalog,
        workdir: Path,
        messages: int,
        profiles: Profiles,
    ) -> None:
        self.bootstrap = bootstrap
        self.catalog = catalog
        self.workdir = workdir
        self.messages = messages
        self.profiles = profiles

    async def _prepare(self) -> RelayTopics:
        topics = relay_topics(self.catalog, f"b{uuid.uuid4().hex[:10]}.")
        plans = {name: TopicPlan(count) for name, count in topics.partitions.items()}
        await create_topics(self.bootstrap, plans)
        await preproduce(self.bootstrap, topics.source, self.messages)
        return topics

    async def _cleanup(self, topics: RelayTopics) -> None:
        await delete_topics(self.bootstrap, list(topics.partitions))

    async def platform(self) -> Sample:
        topics = await self._prepare()
        clock = Clock()
        app = self._platform_app(topics)
        app.handle("dispatch_shipment", OrderConfirmed, shipment_handler(clock))
        registry = app.metrics.registry

        def delivered() -> bool:
            value = registry.get_sample_value(
                "kafka_produced_messages_total", {"topic": topics.sink}
            )
            return (value or 0) >= self.messages

        await app.start()
        try:
            with self.profiles.section("relay platform"):
                end = await wait_for(delivered)
        finally:
            await app.stop()
            await self._cleanup(topics)
        assert clock.first is not None
        return Sample.between(self.messages, clock.first, end)

    def _platform_app(self, topics: RelayTopics) -> ServiceApp:
        prefix = topics.source.removesuffix(self.catalog.services[SERVICE].spec.consumes[0])
        settings = ServiceSettings(
            kafka_bootstrap=self.bootstrap,
            topic_prefix=prefix,
            database_url=f"sqlite:///{self.workdir / f'{prefix}sqlite3'}",
            grpc_port=0,
            http_port=0,
        )
        migrations = self.workdir / "migrations"
        migrations.mkdir(parents=True, exist_ok=True)
        (migrations / "0001.bench-tables.sql").write_text(SCHEMA)  # the raw relay's own tables
        return ServiceApp(SERVICE, settings, catalog=self.catalog, migrations=migrations)

    async def raw(self) -> Sample:
        topics = await self._prepare()
        group = topics.sink + "-raw"
        consumer = new_consumer(self.bootstrap, topics=[topics.source], group_id=group)
        producer = new_producer(self.bootstrap)
        conn = open_raw_database(self.workdir / f"{group}.sqlite3")
        await producer.start()
        await consumer.start()
        clock = Clock()
        relay = RawRelay(consumer, producer, conn, topics.sink, clock)
        task = asyncio.create_task(relay.run())
        try:
            with self.profiles.section("relay raw"):
                end = await wait_for(lambda: clock.done >= self.messages)
        finally:
            clock.stopping = True
            await task
            await consumer.stop()
            await producer.stop()
            conn.close()
            await self._cleanup(topics)
        assert clock.first is not None
        return Sample.between(self.messages, clock.first, end)
