"""Both relays of `make bench` really carry every pre-produced message, on a real broker, and
leave the same rows: a shipment and a processed id per message, an empty outbox."""

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from homefield.catalog import Catalog

pytestmark = pytest.mark.integration


async def messages_in(bootstrap: str, topic: str, partitions: int) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        ends = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return sum(ends.values())


async def test_platform_and_raw_relays_deliver_every_message_to_the_sink(
    load: Callable[[str], ModuleType], kafka_bootstrap: str, tmp_path: Path
) -> None:
    bench_relay = load("bench_relay")
    rounds = load("bench_rounds")
    delivered: dict[str, int] = {}

    class CountingRelayBench(bench_relay.RelayBench):
        side = ""

        async def _cleanup(self, topics: object) -> None:
            sink, count = topics.sink, topics.partitions[topics.sink]
            delivered[self.side] = await messages_in(self.bootstrap, sink, count)
            await super()._cleanup(topics)

    bench = CountingRelayBench(
        bootstrap=kafka_bootstrap,
        catalog=Catalog.load(),
        workdir=tmp_path,
        messages=300,
        profiles=rounds.Profiles(),
    )
    bench.side = "platform"
    platform = await bench.platform()
    bench.side = "raw"
    raw = await bench.raw()
    assert delivered == {"platform": 300, "raw": 300}
    assert platform.rate > 0 and raw.rate > 0
    for database in tmp_path.glob("*.sqlite3"):
        conn = sqlite3.connect(database)
        counts = [
            conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("shipments", "processed_events", "outbox")
        ]
        conn.close()
        assert counts == [300, 300, 0], database.name
    assert len(list(tmp_path.glob("*.sqlite3"))) == 2
