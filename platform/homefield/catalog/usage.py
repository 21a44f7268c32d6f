"""service.yaml `usage:` and `planned_growth:`: the usage signals a service is watched on.

Every service has the platform's signals by default (`requests`, `events` when it consumes,
`cpu`, `storage`); `usage:` only adds a capacity `limit` or changes a signal's floors. The
floors keep a steady series from dividing by zero (`stddev_floor`) and keep tiny absolute moves
from being flagged (`min_change`). `planned_growth:` marks growth a team expects, which silences
the growth flag until its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from pydantic import BaseModel, ConfigDict, Field


@dataclass(frozen=True)
class SignalKind:
    """A platform usage signal: its unit and default floors."""

    name: str
    unit: str
    description: str
    stddev_floor: float
    min_change: float


SIGNAL_KINDS: dict[str, SignalKind] = {
    kind.name: kind
    for kind in (
        SignalKind("requests", "req/s", "gRPC and HTTP requests served per second", 0.5, 2.0),
        SignalKind("events", "events/s", "events handled per second", 0.5, 2.0),
        SignalKind("cpu", "cores", "CPU seconds used per second", 0.01, 0.05),
        SignalKind("storage", "bytes", "bytes in the service's store", 2**20, 16 * 2**20),
    )
}


class SignalSpec(BaseModel):
    """Overrides for one signal; anything left out takes the platform default."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    limit: float | None = Field(default=None, gt=0)
    stddev_floor: float | None = Field(default=None, gt=0)
    min_change: float | None = Field(default=None, gt=0)


class UsageSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    requests: SignalSpec | None = None
    events: SignalSpec | None = None
    cpu: SignalSpec | None = None
    storage: SignalSpec | None = None


class PlannedGrowth(BaseModel):
    """Growth the team expects (a launch, a migration): no growth flag for it until ``until``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    signal: str = Field(pattern=r"^(requests|events|cpu|storage)$")
    until: date
    reason: str = Field(min_length=1)
    link: str = Field(min_length=1)

    @property
    def until_epoch(self) -> int:
        """The end of ``until`` (UTC midnight after it), in Unix seconds."""
        end = datetime.combine(self.until, time(), tzinfo=UTC)
        return int(end.timestamp()) + 86_400

    def active_at(self, when: datetime) -> bool:
        return when.timestamp() < self.until_epoch


@dataclass(frozen=True)
class Signal:
    """One signal of one service with its floors and limit resolved."""

    name: str
    unit: str
    stddev_floor: float
    min_change: float
    limit: float | None


def applicable_signals(*, consumes: bool) -> list[str]:
    """The platform signals that apply to a service: `events` only when it consumes."""
    return [name for name in SIGNAL_KINDS if consumes or name != "events"]


def resolve_signals(usage: UsageSpec, *, consumes: bool) -> list[Signal]:
    """The signals of a service, platform defaults overlaid with its `usage:` block."""
    resolved: list[Signal] = []
    for name in applicable_signals(consumes=consumes):
        kind = SIGNAL_KINDS[name]
        spec: SignalSpec = getattr(usage, name) or SignalSpec()
        resolved.append(
            Signal(
                name=name,
                unit=kind.unit,
                stddev_floor=spec.stddev_floor or kind.stddev_floor,
                min_change=spec.min_change or kind.min_change,
                limit=spec.limit,
            )
        )
    return resolved
