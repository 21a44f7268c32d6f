"""Fault injection by configuration: a delay and an error rate per gRPC method or event handler."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping

from homefield.runtime.errors import InjectedFault
from homefield.runtime.settings import Fault


class FaultInjector:
    """Applies the faults configured in settings (``<SVC>_FAULTS``) to named operations."""

    def __init__(self, faults: Mapping[str, Fault], rng: random.Random | None = None) -> None:
        self._faults = dict(faults)
        self._rng = rng or random.Random()

    def has(self, name: str) -> bool:
        """True when a fault is configured for ``name``."""
        return name in self._faults

    async def apply(self, name: str) -> None:
        """Sleep and/or raise InjectedFault for ``name`` as configured; no-op otherwise."""
        fault = self._faults.get(name)
        if fault is None:
            return
        if fault.delay_ms:
            await asyncio.sleep(fault.delay_ms / 1000)
        if fault.error_rate and self._rng.random() < fault.error_rate:
            raise InjectedFault(f"injected fault in {name}")
