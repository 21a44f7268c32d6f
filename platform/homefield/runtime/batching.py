"""The consumer's fast path: a run of records handled in ONE SQLite transaction, a savepoint each.

A record leaves the fast path, for the consumer's one-at-a-time path with retries and the DLQ,
when it is not a valid event, when a fault is configured for its handler (faults may sleep, and a
transaction must never await), or when its handler raises. Everything before it commits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from aiokafka import ConsumerRecord
from google.protobuf.message import DecodeError, Message
from opentelemetry.trace import SpanKind, Tracer

from homefield.runtime.db import Database, Transaction
from homefield.runtime.envelope import Envelope, EnvelopeError, decode
from homefield.runtime.tracing import context_from_traceparent

Record: TypeAlias = "ConsumerRecord[bytes, bytes]"
Handler = Callable[[Any, Transaction], None]


@dataclass(frozen=True)
class Route:
    """Which handler takes an event type."""

    event_type: type[Message]
    handler: Handler

    @property
    def name(self) -> str:
        return getattr(self.handler, "__name__", "handler")


@dataclass(frozen=True)
class Done:
    """What became of one record on the fast path, reported once the batch has committed."""

    record: Record
    envelope: Envelope | None
    handler: str
    outcome: str
    seconds: float


def handler_span(tracer: Tracer, record: Record, envelope: Envelope) -> Any:
    """The consumer span of one event, a child of the producer's trace (``traceparent``)."""
    return tracer.start_as_current_span(
        f"handle {envelope.ce_type}",
        context=context_from_traceparent(envelope.traceparent),
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.destination.name": record.topic,
            "messaging.message.id": envelope.ce_id,
        },
    )


def apply_once(tx: Transaction, envelope: Envelope, event: Message, handler: Handler) -> str:
    """Run ``handler`` unless this ``ce_id`` was processed; record it in the same transaction."""
    if tx.already_processed(envelope.ce_id):
        return "duplicate"
    handler(event, tx)
    tx.mark_processed(envelope.ce_id)
    return "handled"


@dataclass
class FastPath:
    db: Database
    tracer: Tracer
    routes: dict[str, Route]
    has_fault: Callable[[str], bool]

    def apply(self, records: Sequence[Record]) -> tuple[list[Done], Exception | None]:
        """Handle records from the front of ``records`` until one needs the slow path.

        Returns what was done (committed) and, if a handler raised, its error: the record after
        the last done one is then the failed one.
        """
        done: list[Done] = []
        failure: Exception | None = None
        with self.db.transaction() as tx:
            for record in records:
                started = time.perf_counter()
                prepared = self._prepare(record)
                if prepared is None:
                    break
                envelope, event, handler, name = prepared
                if event is None:
                    done.append(Done(record, envelope, "none", "ignored", 0.0))
                    continue
                try:
                    outcome = self._apply_one(tx, record, envelope, event, handler)
                except Exception as exc:  # the slow path retries it, then dead-letters it
                    failure = exc
                    break
                done.append(Done(record, envelope, name, outcome, time.perf_counter() - started))
        return done, failure

    def _prepare(self, record: Record) -> tuple[Envelope, Message | None, Handler, str] | None:
        try:
            envelope = decode(record.value, record.headers)
        except EnvelopeError:
            return None
        route = self.routes.get(envelope.ce_type)
        if route is None:
            return envelope, None, _ignore, "none"
        if self.has_fault(route.name):
            return None
        try:
            return (
                envelope,
                route.event_type.FromString(envelope.payload),
                route.handler,
                route.name,
            )
        except DecodeError:
            return None

    def _apply_one(
        self,
        tx: Transaction,
        record: Record,
        envelope: Envelope,
        event: Message,
        handler: Handler,
    ) -> str:
        with handler_span(self.tracer, record, envelope):
            tx.execute("SAVEPOINT event")
            try:
                outcome = apply_once(tx, envelope, event, handler)
            except BaseException:
                tx.execute("ROLLBACK TO SAVEPOINT event")
                tx.execute("RELEASE SAVEPOINT event")
                raise
            tx.execute("RELEASE SAVEPOINT event")
            return outcome


def _ignore(_event: Message, _tx: Transaction) -> None:
    return None
