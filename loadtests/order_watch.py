"""Follow the orders topic during a load run: when each of the run's orders was placed and ended.

The run's end is read from the topic, not by polling orders through the storefront: orders
publishes OrderPlaced, then OrderShipped or OrderCancelled, each with the shop's own ``ce_time``.
The watcher reads every partition from the offsets it saw before the load started, keeps the
orders whose customer id carries the run's prefix, and reports placed -> terminal from those
timestamps. It fetches with a long wait, so its own cost to the broker stays small.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from homefield.runtime.envelope import EnvelopeError, decode
from shop.orders.v1 import events_pb2, orders_pb2

PLACED = events_pb2.OrderPlaced.DESCRIPTOR.full_name
SHIPPED = events_pb2.OrderShipped.DESCRIPTOR.full_name
CANCELLED = events_pb2.OrderCancelled.DESCRIPTOR.full_name
FETCH_WAIT_MS = 500
Progress = Callable[[int, int], None]  # (orders ended, orders expected)


class WatchError(Exception):
    """The topic could not be read."""


@dataclass(frozen=True)
class Ending:
    status: str  # SHIPPED or CANCELLED
    reason: str  # the cancel reason, "" when shipped
    at: datetime


@dataclass
class Orders:
    """What the topic said about the run's orders so far."""

    placed: dict[str, datetime] = field(default_factory=dict)
    ended: dict[str, Ending] = field(default_factory=dict)

    def terminal(self) -> dict[str, Ending]:
        """Endings of the run's orders (a terminal event of another order is not counted)."""
        return {oid: end for oid, end in self.ended.items() if oid in self.placed}

    def unfinished(self, accepted: Collection[str]) -> set[str]:
        """Orders of the run not yet terminal: those placed and those the storefront accepted."""
        return (set(self.placed) | set(accepted)) - set(self.ended)

    def latencies_ms(self, status: str | None = None) -> list[float]:
        """Placed -> terminal for every ended order of the run, or those ending in ``status``."""
        return [
            (end.at - self.placed[oid]).total_seconds() * 1000
            for oid, end in self.terminal().items()
            if status is None or end.status == status
        ]

    def span_seconds(self) -> float | None:
        """From the first order placed to the last one ended."""
        ends = self.terminal()
        if not ends:
            return None
        first = min(self.placed.values())
        return max((end.at - first).total_seconds() for end in ends.values())

    def count(self, status: str) -> int:
        return sum(1 for end in self.terminal().values() if end.status == status)

    def reasons(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for end in self.terminal().values():
            if end.reason:
                counts[end.reason] = counts.get(end.reason, 0) + 1
        return counts


def take(
    orders: Orders, *, ce_type: str, key: str, payload: bytes, at: datetime, prefix: str
) -> None:
    """Record one orders event in ``orders`` (a pure step, so it is tested without a broker)."""
    if ce_type == PLACED:
        placed = events_pb2.OrderPlaced.FromString(payload)
        if placed.customer_id.startswith(prefix):
            orders.placed[placed.order_id] = at
    elif ce_type == SHIPPED:
        orders.ended[key] = Ending("SHIPPED", "", at)
    elif ce_type == CANCELLED:
        cancelled = events_pb2.OrderCancelled.FromString(payload)
        reason = orders_pb2.CancelReason.Name(cancelled.reason)
        orders.ended[key] = Ending("CANCELLED", reason.removeprefix("CANCEL_REASON_"), at)


class OrderWatch:
    """Reads ``topic`` from where it ended when ``start()`` ran, until ``stop()``."""

    def __init__(self, *, bootstrap: str, topic: str, customer_prefix: str) -> None:
        self.orders = Orders()
        self.malformed = 0
        self._topic = topic
        self._prefix = customer_prefix
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            fetch_max_wait_ms=FETCH_WAIT_MS,
            fetch_min_bytes=64 * 1024,
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 30.0) -> None:
        try:
            await asyncio.wait_for(self._assign_at_end(), timeout)
        except (KafkaError, TimeoutError, OSError, WatchError) as exc:
            await self._consumer.stop()
            raise WatchError(f"reading {self._topic}: {exc}") from None
        self._task = asyncio.create_task(self._follow())

    async def _assign_at_end(self) -> None:
        await self._consumer.start()
        cluster = await self._client_metadata()
        partitions = cluster.partitions_for_topic(self._topic)
        if not partitions:
            raise WatchError(f"no topic {self._topic} on the broker (is the shop up?)")
        assigned = [TopicPartition(self._topic, p) for p in sorted(partitions)]
        self._consumer.assign(assigned)
        await self._consumer.seek_to_end(*assigned)
        for tp in assigned:  # fix the starting offsets now, before any order is placed
            await self._consumer.position(tp)

    async def _client_metadata(self) -> Any:
        return await self._consumer._client.fetch_all_metadata()

    async def _follow(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=FETCH_WAIT_MS, max_records=5000)
            for records in batch.values():
                for record in records:
                    try:
                        envelope = decode(record.value, record.headers)
                        take(
                            self.orders,
                            ce_type=envelope.ce_type,
                            key=(record.key or b"").decode(),
                            payload=envelope.payload,
                            at=envelope.time(),
                            prefix=self._prefix,
                        )
                    except (EnvelopeError, ValueError):
                        self.malformed += 1

    async def wait_until_ended(
        self, accepted: Collection[str], *, timeout: float, report: Progress
    ) -> set[str]:
        """Wait until every order of the run has ended; return those that have not by then."""
        deadline = time.monotonic() + timeout
        next_report = time.monotonic() + 5
        while True:
            self._raise_if_failed()
            missing = self.orders.unfinished(accepted)
            if not missing or time.monotonic() >= deadline:
                return missing
            if time.monotonic() >= next_report:
                report(len(self.orders.terminal()), len(set(self.orders.placed) | set(accepted)))
                next_report += 5
            await asyncio.sleep(0.1)

    def _raise_if_failed(self) -> None:
        if self._task is not None and self._task.done() and not self._task.cancelled():
            error = self._task.exception()
            if error is not None:
                raise WatchError(f"reading {self._topic} failed: {error!r}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()
