"""The consumer's fast path: a run of records handled in ONE database transaction, a savepoint each.

A record leaves the fast path, for the consumer's retrying path with backoff and the DLQ, when it
is poison, when a fault is configured for its handler (faults may sleep, and a transaction must
never await), or when its handler raises. Everything before it commits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from opentelemetry.trace import Tracer

from homefield.runtime.db import Database, Transaction
from homefield.runtime.pipeline import Outcome, Prepared, Ready, Unrouted, apply_once, handler_span


@dataclass(frozen=True)
class Done:
    """What became of one record on the fast path, reported once the batch has committed."""

    item: Ready | Unrouted
    outcome: Outcome
    seconds: float


@dataclass
class FastPath:
    db: Database
    tracer: Tracer
    has_fault: Callable[[str], bool]

    def apply(self, items: Sequence[Prepared]) -> tuple[list[Done], Exception | None]:
        """Handle items from the front of ``items`` until one needs the retrying path.

        Returns what was done (committed), in order, and, if a handler raised, its error: the
        item after the last done one is then the one that failed.
        """
        # Many records of a shared topic are events this service does not handle: a run that
        # starts with them reports them without a transaction, and opens none if that is all.
        done: list[Done] = []
        for item in items:
            if not isinstance(item, Unrouted):
                break
            done.append(Done(item, Outcome.IGNORED, 0.0))
        lead = len(done)
        failure: Exception | None = None
        if lead == len(items) or not self._takes(items[lead]):
            return done, failure
        with self.db.transaction() as tx:
            for item in items[lead:]:
                if isinstance(item, Unrouted):
                    done.append(Done(item, Outcome.IGNORED, 0.0))
                    continue
                if not self._takes(item):
                    break
                started = time.perf_counter()
                try:
                    outcome = self._apply_one(tx, item)
                except Exception as exc:  # the retrying path retries it, then dead-letters it
                    failure = exc
                    break
                done.append(Done(item, outcome, time.perf_counter() - started))
        return done, failure

    def _takes(self, item: Prepared) -> TypeGuard[Ready]:
        """Whether the fast path may handle ``item`` (poison and faulted handlers it may not)."""
        return isinstance(item, Ready) and not self.has_fault(item.route.name)

    def _apply_one(self, tx: Transaction, ready: Ready) -> Outcome:
        with handler_span(self.tracer, ready):
            tx.execute("SAVEPOINT event")
            try:
                outcome = apply_once(tx, ready)
            except BaseException:
                tx.execute("ROLLBACK TO SAVEPOINT event")
                tx.execute("RELEASE SAVEPOINT event")
                raise
            tx.execute("RELEASE SAVEPOINT event")
            return outcome
