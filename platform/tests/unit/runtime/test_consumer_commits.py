"""Offsets are committed at most once per commit interval, when the topics go quiet, and on stop;
what was handled since the last commit is recognised by ce_id when it comes again."""

from pathlib import Path

from aiokafka import TopicPartition
from homefield.runtime import dlq
from homefield.runtime.consumer import EventConsumer, RetryPolicy
from homefield.runtime.db import Database
from homefield.runtime.faults import FaultInjector
from homefield.runtime.metrics import Metrics
from homefield.testing.database import sqlite_database
from opentelemetry.trace import NoOpTracer

from .consumer_fakes import TOPIC, FakeConsumer, FakeProducer, FakeSleep, record, routes

TP = TopicPartition(TOPIC, 0)


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def consumer_on(
    tmp_path: Path, kafka: FakeConsumer, clock: Clock
) -> tuple[EventConsumer, Database]:
    db = sqlite_database(tmp_path, topic="t", tables="CREATE TABLE seen (id TEXT);")
    metrics = Metrics(service="test", team="t", tier=1, version="0")
    consumer = EventConsumer(
        consumer=kafka,  # type: ignore[arg-type]
        dead_letters=dlq.DeadLetterWriter(FakeProducer(), topic="test.dlq", metrics=metrics),  # type: ignore[arg-type]
        routes=routes(),
        db=db,
        metrics=metrics,
        tracer=NoOpTracer(),
        faults=FaultInjector({}),
        retry=RetryPolicy(),
        commit_interval_seconds=0.5,
        sleep=FakeSleep(),
        clock=clock,
    )
    return consumer, db


async def test_batches_within_the_interval_share_one_commit(tmp_path: Path) -> None:
    kafka, clock = FakeConsumer(), Clock()
    consumer, _ = consumer_on(tmp_path, kafka, clock)
    await consumer.handle_batch({TP: [record("a", "1", offset=0)]})  # type: ignore[dict-item]
    assert kafka.committed == [{TP: 1}]  # the first batch commits at once
    clock.now += 0.2
    await consumer.handle_batch({TP: [record("b", "2", offset=1)]})  # type: ignore[dict-item]
    clock.now += 0.2
    await consumer.handle_batch({TP: [record("c", "3", offset=2)]})  # type: ignore[dict-item]
    assert kafka.committed == [{TP: 1}]
    clock.now += 0.2
    await consumer.handle_batch({TP: [record("d", "4", offset=3)]})  # type: ignore[dict-item]
    assert kafka.committed == [{TP: 1}, {TP: 4}]


async def test_a_quiet_poll_and_a_stop_commit_what_was_handled(tmp_path: Path) -> None:
    kafka, clock = FakeConsumer(), Clock()
    kafka.batches = [
        {TP: [record("a", "1", offset=0)]},
        {TP: [record("b", "2", offset=1)]},
        {},  # the topics go quiet: b's offset is committed now, not at the next interval
        {TP: [record("c", "3", offset=2)]},
    ]
    consumer, _ = consumer_on(tmp_path, kafka, clock)

    async def poll(**_: object) -> dict:
        batch = kafka.batches.pop(0)
        if not kafka.batches:
            consumer.stop()  # stops after this batch: its offset is committed on the way out
        return batch

    kafka.getmany = poll  # type: ignore[method-assign]
    await consumer.run()
    assert kafka.committed == [{TP: 1}, {TP: 2}, {TP: 3}]


async def test_records_handled_again_after_a_lost_commit_take_effect_once(tmp_path: Path) -> None:
    kafka, clock = FakeConsumer(), Clock()
    consumer, db = consumer_on(tmp_path, kafka, clock)
    first = [record("a", "1", offset=0), record("b", "2", offset=1)]
    await consumer.handle_batch({TP: first})  # type: ignore[dict-item]
    await consumer.handle_batch({TP: [record("c", "3", offset=2)]})  # type: ignore[dict-item]
    # a crash before the next commit: the group hands out b and c again after offset 1
    again, _ = consumer_on(tmp_path, FakeConsumer(), clock)
    await again.handle_batch({TP: [record("b", "2", offset=1), record("c", "3", offset=2)]})  # type: ignore[dict-item]
    seen = [row[0] for row in db.conn.execute("SELECT id FROM seen ORDER BY rowid")]
    assert seen == ["a", "b", "c"]
