"""The outbox relay: delivers committed outbox rows to Kafka in order, then deletes them."""

from __future__ import annotations

import asyncio
import logging
import time

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Tracer

from homefield.runtime.db import Database, OutboxRow
from homefield.runtime.envelope import encode_headers
from homefield.runtime.metrics import Metrics
from homefield.runtime.tracing import context_from_traceparent, traceparent_of

log = logging.getLogger("homefield.relay")


class OutboxRelay:
    """Wakes on every commit that published (and on a timer as a safety net)."""

    def __init__(
        self,
        *,
        db: Database,
        producer: AIOKafkaProducer,
        metrics: Metrics,
        tracer: Tracer,
        source: str,
        batch_size: int = 500,
        poll_seconds: float = 0.5,
    ) -> None:
        self._db = db
        self._producer = producer
        self._metrics = metrics
        self._tracer = tracer
        self._source = source
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        """Deliver on every wake-up until cancelled; drain() then delivers what is left."""
        while True:
            try:
                await asyncio.wait_for(self._wakeup.wait(), self._poll_seconds)
            except TimeoutError:
                pass
            self._wakeup.clear()
            await self.deliver_pending()

    async def drain(self, deadline_seconds: float) -> None:
        """Deliver what is left, giving up at the deadline (the rows stay for the next start)."""
        end = time.monotonic() + deadline_seconds
        while self._db.outbox_backlog():
            remaining = end - time.monotonic()
            if remaining <= 0:
                return
            try:
                delivered = await asyncio.wait_for(self.deliver_pending(), remaining)
            except TimeoutError:
                return
            if not delivered:
                await asyncio.sleep(0.1)

    async def deliver_pending(self) -> bool:
        """Send one or more batches; True when the outbox was drained without error."""
        while rows := self._db.pending_outbox(self._batch_size):
            if not await self._send(rows):
                self._metrics.outbox_backlog.set(self._db.outbox_backlog())
                return False
            self._db.delete_outbox([row.id for row in rows])
            if len(rows) < self._batch_size:
                break
        self._metrics.outbox_backlog.set(self._db.outbox_backlog())
        return True

    async def _send(self, rows: list[OutboxRow]) -> bool:
        started = time.perf_counter()
        spans = [self._producer_span(row) for row in rows]
        try:
            futures = [
                await self._producer.send(
                    row.topic, row.payload, key=row.key.encode(), headers=self._headers(row, span)
                )
                for row, span in zip(rows, spans, strict=True)
            ]
            await asyncio.gather(*futures)
        except KafkaError as exc:
            for topic in {row.topic for row in rows}:
                self._metrics.produce_errors.labels(topic).inc()
            log.warning("outbox delivery failed, will retry", extra={"error": str(exc)})
            self._end(spans, failed=True)
            await asyncio.sleep(0.2)
            return False
        self._end(spans, failed=False)
        elapsed = time.perf_counter() - started
        for row in rows:
            self._metrics.produced.labels(row.topic).inc()
            self._metrics.produce_seconds.labels(row.topic).observe(elapsed)
        return True

    def _producer_span(self, row: OutboxRow) -> Span:
        """The PRODUCER span of one event: a child of the span that published it, and the
        parent of every consumer's span (its traceparent goes in the Kafka headers)."""
        return self._tracer.start_span(
            f"send {row.ce_type}",
            context=context_from_traceparent(row.traceparent),
            kind=SpanKind.PRODUCER,
            attributes={"messaging.destination.name": row.topic, "messaging.message.id": row.ce_id},
        )

    @staticmethod
    def _end(spans: list[Span], *, failed: bool) -> None:
        for span in spans:
            if failed:
                span.set_status(trace.Status(trace.StatusCode.ERROR))
            span.end()

    def _headers(self, row: OutboxRow, span: Span) -> list[tuple[str, bytes]]:
        return encode_headers(
            ce_id=row.ce_id,
            ce_type=row.ce_type,
            ce_source=self._source,
            ce_time=row.ce_time,
            traceparent=traceparent_of(trace.set_span_in_context(span)) or row.traceparent,
        )
