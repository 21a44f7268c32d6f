"""The faults of `make chaos`: each starts at one count of the load and ends at a later one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from homefield.catalog import Catalog
from homefield.local.control import (
    kill_service,
    pause_service,
    resume_service,
    start_broker,
    start_service,
    stop_broker,
)
from homefield.runtime.kafka import SESSION_TIMEOUT_MS

Action = Callable[[Path], None]
# A service or the broker may take this long to start on a busy machine.
START_TIMEOUT_SECONDS = 180.0
# A paused consumer stays paused past its session timeout, so its group rebalances without it.
PAUSE_SECONDS = SESSION_TIMEOUT_MS / 1000 + 5


@dataclass(frozen=True)
class Fault:
    """``begin`` when the load reaches its first count, ``end`` at its second and after at
    least ``min_seconds``."""

    name: str
    begin: Action
    end: Action
    min_seconds: float = 0.0
    family: str = ""

    @property
    def key(self) -> str:
        """What ``--faults`` names and the summary counts by (the paused consumer rotates)."""
        return self.family or self.name


def consumers(catalog: Catalog) -> list[str]:
    """Every service that consumes events, in name order."""
    return [name for name, entry in catalog.services.items() if entry.spec.consumes]


def kill(service: str) -> Fault:
    return Fault(
        f"kill-9 {service}",
        begin=lambda root: kill_service(service, root=root),
        end=lambda root: start_service(service, root=root, timeout=START_TIMEOUT_SECONDS),
    )


def pause(service: str) -> Fault:
    return Fault(
        f"sigstop {service}",
        begin=lambda root: pause_service(service, root=root),
        end=lambda root: resume_service(service, root=root),
        min_seconds=PAUSE_SECONDS,
        family="sigstop a consumer",
    )


def broker(*, hard: bool) -> Fault:
    return Fault(
        "broker kill-9" if hard else "broker restart",
        begin=lambda root: stop_broker(root=root, hard=hard),
        end=lambda root: start_broker(root=root, timeout=START_TIMEOUT_SECONDS),
    )


def every_fault(catalog: Catalog, paused: str) -> list[Fault]:
    """kill -9 of each consumer in turn, a graceful broker restart, kill -9 of the broker, and a
    SIGSTOP of ``paused`` past its session timeout."""
    return [
        *(kill(name) for name in consumers(catalog)),
        broker(hard=False),
        broker(hard=True),
        pause(paused),
    ]


def fault_keys(catalog: Catalog) -> list[str]:
    """The names ``--faults`` accepts."""
    return [fault.key for fault in every_fault(catalog, consumers(catalog)[0])]
