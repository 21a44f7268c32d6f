"""How old the undelivered outbox rows are, for the outbox-delivery SLO and for /readyz.

The relay may be the thing that is stuck, so this is watched from a task of its own: every tick
it sets ``outbox_oldest_age_seconds`` and counts, once each, the rows that have just passed an
SLO's ``max_age_seconds`` undelivered (``outbox_overdue_rows_total``), so a relay that delivers
nothing still burns its error budget. Delivered rows are observed by the relay
(``outbox_delivery_age_seconds``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from homefield.catalog.slo import bucket_label
from homefield.runtime.db import utc_text
from homefield.runtime.metrics import Metrics

Clock = Callable[[], datetime]


class OutboxAges(Protocol):
    def oldest_outbox_time(self) -> str | None: ...

    def outbox_written_before(self, cutoff: str, *, after_id: int) -> tuple[int, int]: ...


def age_seconds(ce_time: str, now: datetime) -> float:
    """Seconds from ``ce_time`` (as the outbox writes it) to ``now``, never negative."""
    written = datetime.fromisoformat(ce_time.replace("Z", "+00:00"))
    return max((now - written).total_seconds(), 0.0)


def utc_clock() -> datetime:
    return datetime.now(UTC)


class OutboxWatch:
    """Watches one service's outbox; ``thresholds`` are its SLOs' ``max_age_seconds``."""

    def __init__(
        self,
        *,
        outbox: OutboxAges,
        metrics: Metrics,
        thresholds: Sequence[float],
        clock: Clock = utc_clock,
        interval_seconds: float = 1.0,
    ) -> None:
        self._outbox = outbox
        self._metrics = metrics
        self._clock = clock
        self._interval = interval_seconds
        # Per threshold, the last row id already counted as overdue.
        self._counted = dict.fromkeys(thresholds, 0)
        for threshold in thresholds:
            metrics.outbox_overdue.labels(bucket_label(threshold))

    def oldest_age_seconds(self) -> float:
        """Age of the oldest undelivered row; 0 when the outbox is empty."""
        oldest = self._outbox.oldest_outbox_time()
        return 0.0 if oldest is None else age_seconds(oldest, self._clock())

    def tick(self) -> None:
        now = self._clock()
        self._metrics.outbox_oldest_age.set(self.oldest_age_seconds())
        for threshold, after in self._counted.items():
            cutoff = utc_text(now - timedelta(seconds=threshold))
            count, last = self._outbox.outbox_written_before(cutoff, after_id=after)
            if count:
                self._metrics.outbox_overdue.labels(bucket_label(threshold)).inc(count)
                self._counted[threshold] = last

    async def run(self) -> None:
        while True:
            self.tick()
            await asyncio.sleep(self._interval)

    def readiness(self, *, limit_seconds: float, setting: str) -> Callable[[], str | None]:
        """A readiness check: None while the oldest row is younger than ``limit_seconds``."""

        def check() -> str | None:
            age = self.oldest_age_seconds()
            if age <= limit_seconds:
                return None
            return (
                f"the oldest undelivered outbox row is {age:.0f}s old, over the"
                f" {limit_seconds:g}s limit ({setting}): the relay is not delivering"
            )

        return check
