"""The event consumer: handle in a transaction with the processed ce_id, commit offsets after the
effect, retry with backoff, and dead-letter what still fails so a partition never stalls."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from google.protobuf.message import DecodeError, Message
from opentelemetry.trace import Tracer

from homefield.runtime.batching import Done, FastPath, Handler, Route, apply_once, handler_span
from homefield.runtime.db import Database
from homefield.runtime.envelope import Envelope, EnvelopeError, decode
from homefield.runtime.errors import InvalidEvent
from homefield.runtime.faults import FaultInjector
from homefield.runtime.metrics import Metrics

log = logging.getLogger("homefield.consumer")

HandlerMap = Mapping[type[Message], Handler]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    backoff_seconds: float = 0.05

    def delay(self, attempt: int) -> float:
        return float(self.backoff_seconds * 2 ** (attempt - 1))


class EventConsumer:
    """Consumes a service's topics with its handler map (event class -> handler function)."""

    def __init__(
        self,
        *,
        consumer: AIOKafkaConsumer,
        dlq_producer: AIOKafkaProducer,
        dlq_topic: str,
        handlers: HandlerMap,
        db: Database,
        metrics: Metrics,
        tracer: Tracer,
        faults: FaultInjector,
        retry: RetryPolicy,
    ) -> None:
        self._consumer = consumer
        self._dlq_producer = dlq_producer
        self._dlq_topic = dlq_topic
        self._routes = {cls.DESCRIPTOR.full_name: Route(cls, fn) for cls, fn in handlers.items()}
        self._fast = FastPath(db=db, tracer=tracer, routes=self._routes, has_fault=faults.has)
        self._db = db
        self._metrics = metrics
        self._tracer = tracer
        self._faults = faults
        self._retry = retry
        self._stopping = False

    def stop(self) -> None:
        """Stop taking new batches; the batch in flight finishes and its offsets are committed."""
        self._stopping = True

    async def run(self) -> None:
        while not self._stopping:
            batch = await self._consumer.getmany(timeout_ms=200, max_records=500)
            if not batch:
                continue
            offsets: dict[TopicPartition, int] = {}
            for tp, records in batch.items():
                await self._process_run(records)
                offsets[tp] = records[-1].offset + 1
            await self._commit(offsets)
            self._record_lag(offsets)

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        """Commit what was handled. A failed commit (a rebalance took the partitions, or the
        broker is restarting) is not fatal: the records come again and are deduplicated."""
        assigned = self._consumer.assignment()
        owned = {tp: offset for tp, offset in offsets.items() if tp in assigned}
        if not owned:
            return
        try:
            await self._consumer.commit(owned)
        except KafkaError as exc:
            log.warning(
                "offset commit failed; records will be redelivered", extra={"error": repr(exc)}
            )

    async def _process_run(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Records of one partition, in order: the fast path for as many as it takes, this
        consumer's one-at-a-time path for each record the fast path leaves."""
        pending = records
        while pending:
            done, failure = self._fast.apply(pending)
            for item in done:
                self._report(item)
            pending = pending[len(done) :]
            if pending:
                await self.process(pending[0], failed_once=failure)
                pending = pending[1:]

    def _report(self, item: Done) -> None:
        if item.envelope is None or item.outcome == "ignored":
            self._metrics.consumed.labels(item.record.topic, "none", "ignored").inc()
            return
        self._observe(item.record.topic, item.handler, item.outcome, item.envelope, item.seconds)

    async def process(
        self, record: ConsumerRecord[bytes, bytes], failed_once: Exception | None = None
    ) -> None:
        """Handle one record to a final outcome: handled, duplicate, ignored or dead-lettered.
        ``failed_once`` is the error of an attempt already made on the fast path."""
        try:
            envelope = decode(record.value, record.headers)
        except EnvelopeError as exc:
            await self._dead_letter(record, f"poison message: {exc}", "none", attempts=0)
            return
        route = self._routes.get(envelope.ce_type)
        if route is None:
            self._metrics.consumed.labels(record.topic, "none", "ignored").inc()
            return
        with handler_span(self._tracer, record, envelope):
            await self._handle(record, envelope, route, failed_once)

    async def _handle(
        self,
        record: ConsumerRecord[bytes, bytes],
        envelope: Envelope,
        route: Route,
        failed_once: Exception | None,
    ) -> None:
        try:
            event = route.event_type.FromString(envelope.payload)
        except DecodeError as exc:
            await self._dead_letter(record, f"undecodable {envelope.ce_type}: {exc}", route.name, 0)
            return
        first = 1
        if failed_once is not None:
            self._metrics.consume_errors.labels(record.topic, route.name).inc()
            if self._retry.max_attempts == 1 or isinstance(failed_once, InvalidEvent):
                await self._dead_letter(record, repr(failed_once), route.name, 1)
                return
            await asyncio.sleep(self._retry.delay(1))
            first = 2
        for attempt in range(first, self._retry.max_attempts + 1):
            started = time.perf_counter()
            try:
                await self._faults.apply(route.name)
                outcome = self._apply(event, envelope, route)
            except Exception as exc:  # any handler failure is retried, then dead-lettered
                self._metrics.consume_errors.labels(record.topic, route.name).inc()
                log.warning(
                    "handler failed",
                    extra={
                        "handler": route.name,
                        "attempt": attempt,
                        "ce_id": envelope.ce_id,
                        "error": repr(exc),
                    },
                )
                if attempt == self._retry.max_attempts or isinstance(exc, InvalidEvent):
                    await self._dead_letter(record, repr(exc), route.name, attempt)
                    return
                await asyncio.sleep(self._retry.delay(attempt))
                continue
            self._observe(
                record.topic, route.name, outcome, envelope, time.perf_counter() - started
            )
            return

    def _apply(self, event: Message, envelope: Envelope, route: Route) -> str:
        with self._db.transaction() as tx:
            return apply_once(tx, envelope, event, route.handler)

    def _observe(
        self, topic: str, handler: str, outcome: str, envelope: Envelope, seconds: float
    ) -> None:
        self._metrics.consumed.labels(topic, handler, outcome).inc()
        self._metrics.consume_seconds.labels(topic, handler).observe(seconds)
        age = (datetime.now(UTC) - envelope.time()).total_seconds()
        self._metrics.event_age.labels(topic).observe(max(age, 0.0))
        log.debug(
            "event handled", extra={"handler": handler, "outcome": outcome, "ce_id": envelope.ce_id}
        )

    async def _dead_letter(
        self, record: ConsumerRecord[bytes, bytes], error: str, handler: str, attempts: int
    ) -> None:
        headers = [
            *record.headers,
            ("dlq_error", error[:2000].encode()),
            ("dlq_original_topic", record.topic.encode()),
            ("dlq_original_partition", str(record.partition).encode()),
            ("dlq_original_offset", str(record.offset).encode()),
            ("dlq_handler", handler.encode()),
            ("dlq_attempts", str(attempts).encode()),
        ]
        while True:
            try:
                await self._dlq_producer.send_and_wait(
                    self._dlq_topic, record.value, key=record.key, headers=headers
                )
                break
            except KafkaError as exc:  # the broker may be restarting: never drop the message
                self._metrics.produce_errors.labels(self._dlq_topic).inc()
                log.warning("dead-letter produce failed, retrying", extra={"error": str(exc)})
                await asyncio.sleep(0.5)
        self._metrics.produced.labels(self._dlq_topic).inc()
        self._metrics.dlq.labels(record.topic).inc()
        self._metrics.consumed.labels(record.topic, handler, "dead_lettered").inc()
        log.error(
            "message dead-lettered",
            extra={
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "error": error,
            },
        )

    def _record_lag(self, committed: dict[TopicPartition, int]) -> None:
        for tp, offset in committed.items():
            highwater = self._consumer.highwater(tp)
            if highwater is not None:
                lag = max(highwater - offset, 0)
                self._metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(lag)
