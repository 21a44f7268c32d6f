"""What `homefield usage` shows: per team and service, each signal now, a week ago, growth,
whether it is flagged, and the planned-growth mark that covers it.

A flag here is what the `UsageGrowth` ticket says: the growth condition held at every
evaluation of the last 30 minutes, and no planned mark covers the signal at that time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from homefield.catalog import Catalog, ServiceEntry
from homefield.catalog.usage import PlannedGrowth
from homefield.slo.query import Prometheus
from homefield.usage import promql

Key = tuple[str, ...]
# The growth condition held at every evaluation of the growth rules in the last 30 minutes.
SUSTAINED = (
    f"count_over_time({promql.GROWING}[{promql.FLAG_FOR}])"
    f" >= count_over_time({promql.BASELINE}[{promql.FLAG_FOR}])"
)
PROJECTED = (
    f"predict_linear({promql.AVG}[{promql.CAPACITY_RANGE}:1h], {promql.CAPACITY_HORIZON_SECONDS})"
)


@dataclass(frozen=True)
class SignalRow:
    signal: str
    unit: str
    now: float | None
    baseline: float | None
    growing: bool
    sustained: bool
    planned: PlannedGrowth | None
    planned_active: bool
    limit: float | None
    projected: float | None  # the 1 h average 30 days ahead, from the past 7 days

    @property
    def growth(self) -> float | None:
        if self.now is None or not self.baseline:
            return None
        return self.now / self.baseline - 1

    @property
    def flagged(self) -> bool:
        return self.sustained and not self.planned_active

    @property
    def capacity_flagged(self) -> bool:
        return None not in (self.limit, self.projected) and (self.projected or 0) > (
            self.limit or 0
        )


@dataclass
class ServiceUsage:
    service: str
    team: str
    signals: list[SignalRow]


@dataclass
class TeamUsage:
    team: str
    services: list[ServiceUsage] = field(default_factory=list)
    totals: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)


@dataclass
class UsageReport:
    at: datetime
    prometheus: str
    teams: list[TeamUsage]


def _mark(entry: ServiceEntry, signal: str, at: datetime) -> tuple[PlannedGrowth | None, bool]:
    marks = sorted(
        (m for m in entry.spec.planned_growth if m.signal == signal), key=lambda m: m.until
    )
    active = [m for m in marks if m.active_at(at)]
    if active:
        return active[-1], True
    return (marks[-1] if marks else None), False


class _Readings:
    """Every query `homefield usage` needs, each run once for all services."""

    def __init__(self, prometheus: Prometheus, at: datetime) -> None:
        keys = ("service", "signal")
        self.now = prometheus.by(promql.AVG, at, *keys)
        self.baseline = prometheus.by(promql.latest(promql.BASELINE), at, *keys)
        self.growing = prometheus.by(promql.latest(promql.GROWING), at, *keys)
        self.sustained = prometheus.by(SUSTAINED, at, *keys)
        self.projected = prometheus.by(PROJECTED, at, *keys)
        self.team_now = prometheus.by(promql.latest(promql.TEAM_AVG), at, "team", "signal")
        team_baseline = promql.latest(promql.TEAM_BASELINE)
        self.team_baseline = prometheus.by(team_baseline, at, "team", "signal")


def _service(entry: ServiceEntry, readings: _Readings, at: datetime) -> ServiceUsage:
    rows = []
    for signal in entry.spec.signals:
        key = (entry.name, signal.name)
        mark, active = _mark(entry, signal.name, at)
        rows.append(
            SignalRow(
                signal=signal.name,
                unit=signal.unit,
                now=readings.now.get(key),
                baseline=readings.baseline.get(key),
                growing=key in readings.growing,
                sustained=key in readings.sustained,
                planned=mark,
                planned_active=active,
                limit=signal.limit,
                projected=readings.projected.get(key),
            )
        )
    return ServiceUsage(entry.name, entry.team, rows)


def read_usage(catalog: Catalog, prometheus: Prometheus, at: datetime | None = None) -> UsageReport:
    """Usage of every service at ``at`` (now by default), grouped by team."""
    when = at or datetime.now(UTC)
    readings = _Readings(prometheus, when)
    teams: dict[str, TeamUsage] = {}
    for entry in catalog.services.values():
        team = teams.setdefault(entry.team, TeamUsage(entry.team))
        team.services.append(_service(entry, readings, when))
    for name, team in teams.items():
        signals = {row.signal for s in team.services for row in s.signals}
        team.totals = {
            signal: (
                readings.team_now.get((name, signal)),
                readings.team_baseline.get((name, signal)),
            )
            for signal in sorted(signals)
        }
    return UsageReport(when, prometheus.url, [teams[name] for name in sorted(teams)])


def _planned_json(row: SignalRow) -> dict[str, Any] | None:
    if row.planned is None:
        return None
    mark = row.planned
    return {
        "until": mark.until.isoformat(),
        "reason": mark.reason,
        "link": mark.link,
        "active": row.planned_active,
    }


def usage_json(report: UsageReport) -> dict[str, Any]:
    """The `--format json` contract: teams -> services -> signals."""
    return {
        "teams": [
            {
                "team": team.team,
                "services": [
                    {
                        "service": service.service,
                        "signals": [
                            {
                                "signal": row.signal,
                                "now": row.now,
                                "baseline": row.baseline,
                                "growth": row.growth,
                                "flagged": row.flagged,
                                "planned": _planned_json(row),
                            }
                            for row in service.signals
                        ],
                    }
                    for service in team.services
                ],
            }
            for team in report.teams
        ]
    }
