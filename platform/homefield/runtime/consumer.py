"""The event consumer: handle in a transaction with the processed ce_id, commit offsets after the
effect, retry with backoff, and dead-letter what still fails so a partition never stalls.

Each polled record is prepared once (pipeline.py). Runs of records go through the batch fast
path (batching.py); a record the fast path leaves is settled here: retried with exponential
backoff (tenacity: failures are rare, so this is no hot path), then dead-lettered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from opentelemetry.trace import Tracer
from tenacity import (
    AsyncRetrying,
    retry_if_not_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from homefield.runtime.batching import FastPath
from homefield.runtime.db import Database
from homefield.runtime.dlq import NO_HANDLER, DeadLetterWriter
from homefield.runtime.errors import InvalidEvent
from homefield.runtime.faults import FaultInjector
from homefield.runtime.metrics import Children, Metrics
from homefield.runtime.pipeline import (
    Outcome,
    Poison,
    Prepared,
    Ready,
    Record,
    Unrouted,
    apply_once,
    handler_span,
    prepare,
)
from homefield.runtime.registry import Route

log = logging.getLogger("homefield.consumer")

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` in all; the wait after attempt n is ``backoff_seconds * 2 ** (n - 1)``."""

    max_attempts: int = 4
    backoff_seconds: float = 0.05


class EventConsumer:
    """Consumes a service's topics with its registered routes (ce_type -> Route)."""

    def __init__(
        self,
        *,
        consumer: AIOKafkaConsumer,
        dead_letters: DeadLetterWriter,
        routes: Mapping[str, Route],
        db: Database,
        metrics: Metrics,
        tracer: Tracer,
        faults: FaultInjector,
        retry: RetryPolicy,
        commit_interval_seconds: float = 0.0,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._consumer = consumer
        self._dead_letters = dead_letters
        self._routes = dict(routes)
        self._fast = FastPath(db=db, tracer=tracer, has_fault=faults.has)
        self._db = db
        self._metrics = metrics
        self._consumed = Children(metrics.consumed)
        self._consume_seconds = Children(metrics.consume_seconds)
        self._event_age = Children(metrics.event_age)
        self._lag = Children(metrics.consumer_lag)
        self._tracer = tracer
        self._faults = faults
        self._retry = retry
        self._sleep = sleep
        self._stopping = False
        # Offsets are committed at most this often (and when the topics go quiet, and on
        # stop): records handled since the last commit may come again after a crash or a
        # rebalance, and are then recognised by their ce_id. Fewer commits, less broker work.
        self._commit_interval = commit_interval_seconds
        self._clock = clock
        self._handled: dict[TopicPartition, int] = {}
        self._last_commit = float("-inf")
        # When the consumer last returned from a poll, and last held a partition: /readyz
        # fails when either is too long ago (a stuck handler, a group that never rejoins).
        self.last_poll = self.last_assigned = time.monotonic()

    def stop(self) -> None:
        """Stop taking new batches; the batch in flight finishes and its offsets are committed."""
        self._stopping = True

    async def run(self) -> None:
        while not self._stopping:
            batch = await self._consumer.getmany(timeout_ms=200, max_records=500)
            self.last_poll = time.monotonic()
            if self._consumer.assignment():
                self.last_assigned = self.last_poll
            if batch:
                await self.handle_batch(batch)
            elif self._handled:
                await self._commit()
        await self._commit()

    def stalled(self, *, limit_seconds: float, setting: str) -> str | None:
        """A readiness check: why the consumer counts as stopped, or None while it polls."""
        now = time.monotonic()
        if now - self.last_poll > limit_seconds:
            return (
                f"the consumer has not polled for {now - self.last_poll:.0f}s, over the"
                f" {limit_seconds:g}s limit ({setting}): a handler may be stuck"
            )
        if now - self.last_assigned > limit_seconds:
            return (
                f"the consumer has held no partition for {now - self.last_assigned:.0f}s, over"
                f" the {limit_seconds:g}s limit ({setting}): its group has not taken it back"
            )
        return None

    async def handle_batch(self, batch: Mapping[TopicPartition, Sequence[Record]]) -> None:
        """Settle every record of one poll, partition by partition, then commit the offsets
        when the commit interval has passed."""
        offsets: dict[TopicPartition, int] = {}
        for tp, records in batch.items():
            await self._handle_run(records)
            offsets[tp] = records[-1].offset + 1
        self._handled.update(offsets)
        if self._clock() - self._last_commit >= self._commit_interval:
            await self._commit()
        self._record_lag(offsets)

    async def _commit(self) -> None:
        """Commit what was handled. A failed commit (a rebalance took the partitions, or the
        broker is restarting) is not fatal: the records come again and are deduplicated."""
        offsets, self._handled = self._handled, {}
        self._last_commit = self._clock()
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

    async def _handle_run(self, records: Sequence[Record]) -> None:
        """Records of one partition, in order: the fast path for as many as it takes, the
        retrying path for each record the fast path leaves."""
        pending = [prepare(record, self._routes) for record in records]
        while pending:
            done, failure = self._fast.apply(pending)
            for item in done:
                self._report(item.item, item.outcome, item.seconds)
            pending = pending[len(done) :]
            if pending:
                await self.settle(pending[0], failed_once=failure)
                pending = pending[1:]

    async def settle(self, item: Prepared, failed_once: Exception | None = None) -> None:
        """Bring one record to its final outcome. ``failed_once`` is the error of an attempt
        already made on the fast path: it counts as the first attempt."""
        if isinstance(item, Unrouted):
            self._report(item, Outcome.IGNORED, 0.0)
        elif isinstance(item, Poison):
            await self._dead_letter(item.record, item.reason, item.handler, attempts=0)
        else:
            with handler_span(self._tracer, item):
                await self._retry_then_dead_letter(item, failed_once)

    async def _retry_then_dead_letter(self, ready: Ready, failed_once: Exception | None) -> None:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._retry.max_attempts),
            wait=wait_exponential(multiplier=self._retry.backoff_seconds, exp_base=2),
            retry=retry_if_not_exception_type(InvalidEvent),  # can never apply: no retry
            sleep=self._sleep,
            reraise=True,
        )
        attempts, outcome, seconds = 0, Outcome.HANDLED, 0.0
        try:
            async for attempt in retrying:
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    replay = failed_once if attempts == 1 else None
                    outcome, seconds = await self._attempt(ready, replay)
        except Exception as exc:  # every attempt failed: the partition moves on without it
            await self._dead_letter(ready.record, repr(exc), ready.route.name, attempts)
            return
        self._report(ready, outcome, seconds)

    async def _attempt(self, ready: Ready, replay: Exception | None) -> tuple[Outcome, float]:
        """One attempt in its own transaction; ``replay`` is a fast-path failure, counted and
        logged here like any other so every failed attempt is accounted for in one place."""
        started = time.perf_counter()
        try:
            if replay is not None:
                raise replay
            await self._faults.apply(ready.route.name)
            with self._db.transaction() as tx:
                outcome = apply_once(tx, ready)
        except Exception as exc:
            self._metrics.consume_errors.labels(ready.record.topic, ready.route.name).inc()
            log.warning(
                "handler failed",
                extra={
                    "handler": ready.route.name,
                    "ce_id": ready.envelope.ce_id,
                    "error": repr(exc),
                },
            )
            raise
        return outcome, time.perf_counter() - started

    def _report(self, item: Ready | Unrouted, outcome: Outcome, seconds: float) -> None:
        topic = item.record.topic
        if isinstance(item, Unrouted):
            self._consumed(topic, NO_HANDLER, outcome).inc()
            return
        self._consumed(topic, item.route.name, outcome).inc()
        self._consume_seconds(topic, item.route.name).observe(seconds)
        # Freshness counts from when the event reached Kafka (the record's timestamp), so a
        # producer's stall burns the producer's outbox-delivery SLO, not its consumers'.
        age = time.time() - item.record.timestamp / 1000
        self._event_age(topic).observe(max(age, 0.0))
        log.debug(
            "event handled",
            extra={"handler": item.route.name, "outcome": outcome, "ce_id": item.envelope.ce_id},
        )

    async def _dead_letter(self, record: Record, error: str, handler: str, attempts: int) -> None:
        await self._dead_letters.write(record, error=error, handler=handler, attempts=attempts)
        self._consumed(record.topic, handler, Outcome.DEAD_LETTERED).inc()

    def _record_lag(self, committed: dict[TopicPartition, int]) -> None:
        for tp, offset in committed.items():
            highwater = self._consumer.highwater(tp)
            if highwater is not None:
                lag = max(highwater - offset, 0)
                self._lag(tp.topic, str(tp.partition)).set(lag)
