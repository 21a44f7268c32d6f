"""The outbox relay: delivers committed outbox rows to Kafka in order, then deletes them.

How rows are fetched and confirmed (``OutboxRows``) is kept apart from how they are delivered
and retried: a failed batch is retried with backoff, the producer is replaced when it is spent
(``RecoveringProducer``), and what was not acknowledged is sent again from the outbox, in id
order, so nothing is lost and a key's events never overtake each other. Duplicates are allowed:
consumers dedupe by ``ce_id``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Tracer
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential

from homefield.runtime.db import OutboxRow
from homefield.runtime.envelope import encode_headers
from homefield.runtime.errors import InjectedFault
from homefield.runtime.faults import FaultInjector
from homefield.runtime.metrics import Children, Metrics
from homefield.runtime.outbox_watch import age_seconds, utc_clock
from homefield.runtime.producer import Outgoing, RecoveringProducer
from homefield.runtime.tracing import context_from_traceparent, traceparent_of

log = logging.getLogger("homefield.relay")
# The fault key in <SVC>_FAULTS that makes delivery fail (game days, alert tests).
RELAY_FAULT = "outbox-relay"


class OutboxRows(Protocol):
    """Where the relay reads undelivered rows (oldest first) and confirms delivered ones.

    ``claim_outbox`` decides which rows this relay may send (with several replicas, the outbox
    buckets it holds); it is called only between two deliveries, so a bucket never changes
    hands while its rows are in flight. Recovery then resends, in id order, exactly the rows
    ``pending_outbox`` returns.
    """

    def claim_outbox(self) -> None: ...

    def pending_outbox(self, limit: int) -> list[OutboxRow]: ...

    def delete_outbox(self, ids: list[int]) -> None: ...

    def outbox_backlog(self) -> int: ...


class DeliveryFailed(Exception):
    """Rows of a batch were not delivered; they stay in the outbox and are sent again."""


class OutboxRelay:
    """Wakes on every commit that published (and on a timer as a safety net)."""

    def __init__(
        self,
        *,
        outbox: OutboxRows,
        producer: RecoveringProducer,
        metrics: Metrics,
        tracer: Tracer,
        faults: FaultInjector,
        source: str,
        batch_size: int = 500,
        poll_seconds: float = 0.5,
        max_backoff_seconds: float = 2.0,
    ) -> None:
        self._outbox = outbox
        self._producer = producer
        self._metrics = metrics
        self._produced = Children(metrics.produced)
        self._produce_seconds = Children(metrics.produce_seconds)
        self._tracer = tracer
        self._faults = faults
        self._source = source
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._max_backoff = max_backoff_seconds
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
            await self.deliver_until_drained()

    async def deliver_until_drained(self) -> None:
        """Deliver every pending row, retrying failed batches with backoff until they go."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(DeliveryFailed),
            wait=wait_exponential(multiplier=0.1, max=self._max_backoff),
            before_sleep=_log_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                await self.deliver_pending()

    async def drain(self, deadline_seconds: float) -> None:
        """Deliver what is left, giving up at the deadline (the rows stay for the next start)."""
        try:
            await asyncio.wait_for(self.deliver_until_drained(), deadline_seconds)
        except TimeoutError:
            log.warning("outbox not drained before the deadline; rows stay for the next start")

    async def deliver_pending(self) -> None:
        """Send batches until the outbox is empty; DeliveryFailed when one was not delivered."""
        self._outbox.claim_outbox()
        try:
            while rows := self._outbox.pending_outbox(self._batch_size):
                await self._send(rows)
                if len(rows) < self._batch_size:
                    break
        finally:
            self._metrics.outbox_backlog.set(self._outbox.outbox_backlog())

    async def _send(self, rows: list[OutboxRow]) -> None:
        started = time.perf_counter()
        try:
            await self._faults.apply(RELAY_FAULT)
        except InjectedFault as exc:
            self._count_errors(rows)
            raise DeliveryFailed(str(exc)) from exc
        spans = [self._producer_span(row) for row in rows]
        outgoing = [self._outgoing(row, span) for row, span in zip(rows, spans, strict=True)]
        errors = await self._producer.send_batch(outgoing)
        for span, error in zip(spans, errors, strict=True):
            if error is not None:
                span.set_status(trace.Status(trace.StatusCode.ERROR))
            span.end()
        delivered = [row for row, error in zip(rows, errors, strict=True) if error is None]
        if delivered:
            self._outbox.delete_outbox([row.id for row in delivered])
        elapsed, now = time.perf_counter() - started, utc_clock()
        for row in delivered:
            self._produced(row.topic).inc()
            self._produce_seconds(row.topic).observe(elapsed)
            self._metrics.outbox_delivery_age.observe(age_seconds(row.ce_time, now))
        failed = [row for row, error in zip(rows, errors, strict=True) if error is not None]
        if failed:
            self._count_errors(failed)
            first = next(error for error in errors if error is not None)
            raise DeliveryFailed(f"{len(failed)} of {len(rows)} rows not delivered: {first!r}")

    def _count_errors(self, rows: list[OutboxRow]) -> None:
        for row in rows:
            self._metrics.produce_errors.labels(row.topic).inc()

    def _producer_span(self, row: OutboxRow) -> Span:
        """The PRODUCER span of one event: a child of the span that published it, and the
        parent of every consumer's span (its traceparent goes in the Kafka headers)."""
        return self._tracer.start_span(
            f"send {row.ce_type}",
            context=context_from_traceparent(row.traceparent),
            kind=SpanKind.PRODUCER,
            attributes={"messaging.destination.name": row.topic, "messaging.message.id": row.ce_id},
        )

    def _outgoing(self, row: OutboxRow, span: Span) -> Outgoing:
        headers = encode_headers(
            ce_id=row.ce_id,
            ce_type=row.ce_type,
            ce_source=self._source,
            ce_time=row.ce_time,
            traceparent=traceparent_of(trace.set_span_in_context(span)) or row.traceparent,
        )
        return Outgoing(row.topic, row.payload, key=row.key.encode(), headers=headers)


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    log.warning(
        "outbox delivery failed, will retry",
        extra={"attempt": state.attempt_number, "error": str(error)},
    )
