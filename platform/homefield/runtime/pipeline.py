"""The consumer pipeline's shared steps: every record is decoded, routed and parsed once, by
``prepare``, and ends in one ``Outcome``.

The batch fast path (batching.py) and the retrying path (consumer.py) both start from what
``prepare`` returned, so they cannot disagree on what a record is or how it may fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeAlias

from aiokafka import ConsumerRecord
from google.protobuf.message import DecodeError, Message
from opentelemetry.trace import SpanKind, Tracer

from homefield.runtime.db import Transaction
from homefield.runtime.dlq import NO_HANDLER
from homefield.runtime.envelope import Envelope, EnvelopeError, decode
from homefield.runtime.registry import Route
from homefield.runtime.tracing import context_from_traceparent

Record: TypeAlias = "ConsumerRecord[bytes, bytes]"


class Outcome(StrEnum):
    """How a record ended; the ``outcome`` label of ``kafka_consumed_messages_total``."""

    HANDLED = "handled"
    DUPLICATE = "duplicate"  # its ce_id was processed before: no second effect
    IGNORED = "ignored"  # no handler is registered for its event type
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class Ready:
    """A record with its envelope, its route and its parsed event: ready for the handler."""

    record: Record
    envelope: Envelope
    route: Route
    event: Message


@dataclass(frozen=True)
class Unrouted:
    """A valid event that no registered handler takes."""

    record: Record
    envelope: Envelope


@dataclass(frozen=True)
class Poison:
    """A record no retry can help: not a CloudEvent, or a payload that is not its type."""

    record: Record
    reason: str
    handler: str = NO_HANDLER


Prepared: TypeAlias = Ready | Unrouted | Poison


def prepare(record: Record, routes: Mapping[str, Route]) -> Prepared:
    """Decode the envelope, find the route, parse the payload: once per record."""
    try:
        envelope = decode(record.value, record.headers)
    except EnvelopeError as exc:
        return Poison(record, f"poison message: {exc}")
    route = routes.get(envelope.ce_type)
    if route is None:
        return Unrouted(record, envelope)
    try:
        event = route.event_type.FromString(envelope.payload)
    except DecodeError as exc:
        return Poison(record, f"undecodable {envelope.ce_type}: {exc}", route.name)
    return Ready(record, envelope, route, event)


def apply_once(tx: Transaction, ready: Ready) -> Outcome:
    """Run the handler unless this ``ce_id`` was processed; record it in the same transaction."""
    if tx.already_processed(ready.envelope.ce_id):
        return Outcome.DUPLICATE
    ready.route.handler(ready.event, tx)
    tx.mark_processed(ready.envelope.ce_id)
    return Outcome.HANDLED


def handler_span(tracer: Tracer, ready: Ready) -> Any:
    """The consumer span of one event, a child of the producer's trace (``traceparent``)."""
    return tracer.start_as_current_span(
        f"handle {ready.envelope.ce_type}",
        context=context_from_traceparent(ready.envelope.traceparent),
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.destination.name": ready.record.topic,
            "messaging.message.id": ready.envelope.ce_id,
        },
    )
