"""Readiness by named checks: /readyz answers 503 while any fails, and /info says why.

A check answers None when ready, or one sentence saying what is wrong. Checks are registered
explicitly by the composition root (the database, the broker, the outbox, the consumer).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Check = Callable[[], Awaitable[str | None] | str | None]


@dataclass(frozen=True)
class Readiness:
    """Each check's outcome: None (ready) or the reason it is not."""

    outcomes: dict[str, str | None]

    @property
    def ready(self) -> bool:
        return all(reason is None for reason in self.outcomes.values())

    @property
    def checks(self) -> dict[str, bool]:
        return {name: reason is None for name, reason in self.outcomes.items()}

    @property
    def reasons(self) -> dict[str, str]:
        return {name: reason for name, reason in self.outcomes.items() if reason is not None}


class ReadinessChecks:
    """The checks behind /readyz, in the order they were added."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def add(self, name: str, check: Check) -> None:
        if name in self._checks:
            raise ValueError(f"readiness check {name!r} is registered twice")
        self._checks[name] = check

    async def evaluate(self) -> Readiness:
        outcomes: dict[str, str | None] = {}
        for name, check in self._checks.items():
            result = check()
            outcomes[name] = await result if inspect.isawaitable(result) else result
        return Readiness(outcomes)
