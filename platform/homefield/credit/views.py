"""Credit per team, at team level only: impact of every change, contributed and received.

People are never ranked: changes are counted and credited to teams. The JSON shape is the
contract of `homefield credit --format json` (README); text and Markdown render the same views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from homefield.catalog.graph import dependants
from homefield.credit.history import MergedChange
from homefield.credit.impact import ImpactReader, SloImpact, latency_gain

NO_TEAM = "(no team)"


@dataclass
class _Contributed:
    home_team: str
    changes: int = 0
    lines: int = 0
    tests_added: int = 0
    downstream: list[str] = field(default_factory=list)
    impacts: list[SloImpact] = field(default_factory=list)


def credit_views(
    changes: list[MergedChange], since: str, impact: ImpactReader | None
) -> dict[str, Any]:
    """The whole report as the JSON contract; ``impact`` None leaves the SLO figures out."""
    teams: dict[str, dict[str, Any]] = {}
    contributed: dict[tuple[str, str], _Contributed] = {}
    received: dict[tuple[str, str, str], list[int]] = {}
    touches: dict[str, list[int]] = {}  # service -> [away, all]

    def team(name: str) -> dict[str, Any]:
        return teams.setdefault(
            name, {"team": name, "impact": [], "contributed": [], "received": []}
        )

    for change in changes:
        merged = datetime.fromisoformat(change.merged_at)
        for touch in change.services:
            credited = change.team_for(touch) or NO_TEAM
            home = touch.contribution == "home"
            downstream = dependants(change.specs, touch.name)
            impacts = impact.around(merged, downstream) if impact else []
            team(credited)["impact"].append(
                _impact_row(change, touch.name, home, downstream, impacts)
            )
            counts = touches.setdefault(touch.name, [0, 0])
            counts[1] += 1
            if home:
                continue
            counts[0] += 1
            owner = touch.home_team or NO_TEAM
            row = contributed.setdefault((credited, touch.name), _Contributed(owner))
            row.changes += 1
            row.lines += touch.lines
            row.tests_added += change.tests_added.get(touch.name, 0)
            row.downstream = sorted(set(row.downstream) | set(downstream))
            row.impacts += impacts
            got = received.setdefault((owner, touch.name, credited), [0, 0])
            got[0] += 1
            got[1] += touch.lines
    for (name, service), row in sorted(contributed.items()):
        team(name)["contributed"].append(_contributed_row(service, row))
    for (owner, service, source), (count, lines) in sorted(received.items()):
        team(owner)["received"].append(
            {"service": service, "from_team": source, "changes": count, "lines": lines}
        )
    return {
        "since": since,
        "innersource": [
            {"service": s, "ratio": round(away / total, 4)}
            for s, (away, total) in sorted(touches.items())
        ],
        "teams": [teams[name] for name in sorted(teams)],
    }


def _impact_row(
    change: MergedChange, service: str, home: bool, downstream: list[str], impacts: list[SloImpact]
) -> dict[str, Any]:
    positive = [p for i in impacts for p in i.positive] + latency_gain(impacts)
    return {
        "change": change.commit,
        "merged_at": change.merged_at,
        "service": service,
        "home": home,
        "verified": change.verified,
        "bar_raiser": change.bar_raiser,
        "override": change.override,
        "downstream": downstream,
        "slo_after": [
            {
                "service": i.service,
                "slo": i.slo,
                "budget_spent_before": i.budget_spent_before,
                "budget_spent_after": i.budget_spent_after,
                "p99_before_ms": i.p99_before_ms,
                "p99_after_ms": i.p99_after_ms,
            }
            for i in impacts
        ],
        "positive": positive,
    }


def _contributed_row(service: str, row: _Contributed) -> dict[str, Any]:
    spent: dict[tuple[str, str], list[float]] = {}
    for i in row.impacts:
        if i.budget_spent_after is not None:
            spent.setdefault((i.service, i.slo), []).append(i.budget_spent_after)
    return {
        "service": service,
        "home_team": row.home_team,
        "changes": row.changes,
        "lines": row.lines,
        "tests_added": row.tests_added,
        "downstream": row.downstream,
        "slo_after": [
            {"service": s, "slo": slo, "budget_spent": sum(v) / len(v)}
            for (s, slo), v in sorted(spent.items())
        ],
    }
