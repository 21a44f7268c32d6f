"""What each console page shows, as plain data: the HTML pages render it and the JSON twins
return it as is.

A team page is assembled per service from ``SERVICE_SECTIONS``, an explicit table of section
name -> builder. A new view of a team's services (credit, usage) is one more builder added to
the table passed to ``team_view``; the template shows a section once it knows its name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homefield.catalog import Catalog, ServiceEntry, Team
from homefield.catalog.deviations import DEVIABLE_STANDARDS
from homefield.console.changes import ChangeRow
from homefield.console.dependencies import dependency_strip
from homefield.console.slos import SloSeries, SloStatus, slo_statuses
from homefield.console.sources import Reading, Sources


@dataclass(frozen=True)
class Snapshot:
    """Everything one page read from outside the catalog, each part maybe missing."""

    now: datetime
    slo_series: Reading[SloSeries]
    alerts: Reading[list[dict[str, Any]]]
    links: Reading[list[dict[str, Any]]]
    changes: Reading[dict[str, list[ChangeRow]]]

    @property
    def problems(self) -> list[str]:
        readings = (self.slo_series, self.alerts, self.links, self.changes)
        return [reading.problem for reading in readings if not reading.ok]


@dataclass(frozen=True)
class TeamContext:
    catalog: Catalog
    sources: Sources
    snapshot: Snapshot


ServiceSection = Callable[[TeamContext, ServiceEntry], Any]


def person(catalog: Catalog, pid: str) -> dict[str, str]:
    found = catalog.teams.people[pid]
    return {"id": pid, "name": found.name, "email": found.email}


def on_call(catalog: Catalog, team: Team, now: datetime) -> dict[str, Any]:
    """Who is on call now and next: the rota advances every ISO week, on Monday 00:00 UTC."""
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0)
    handover = monday.replace(microsecond=0) + timedelta(days=7)
    return {
        "on_call": person(catalog, team.oncall_at(now)),
        "next_on_call": person(catalog, team.oncall_at(handover)),
        "handover_at": handover.isoformat(),
    }


def slos_of(ctx: TeamContext, entry: ServiceEntry) -> list[SloStatus]:
    return slo_statuses(entry, ctx.snapshot.slo_series.value)


def alerts_of(ctx: TeamContext, entry: ServiceEntry) -> list[dict[str, Any]]:
    """The service's firing alerts, pages first, oldest first."""
    rows = []
    for alert in ctx.snapshot.alerts.value or []:
        labels, notes = alert.get("labels", {}), alert.get("annotations", {})
        if labels.get("service") != entry.name:
            continue
        runbook = str(notes.get("runbook_url", ""))
        anchor = runbook.partition("#")[2]
        rows.append(
            {
                "name": labels.get("alertname", ""),
                "service": entry.name,
                "severity": labels.get("severity", ""),
                "slo": labels.get("slo", ""),
                "since": alert.get("startsAt", ""),
                "summary": notes.get("summary", ""),
                "runbook_url": runbook,
                "runbook_here": f"/services/{entry.name}#{anchor}" if anchor else "",
                "traces_url": ctx.sources.traces_url(entry.name),
            }
        )
    return sorted(rows, key=lambda a: (a["severity"] != "page", a["since"]))


def changes_of(ctx: TeamContext, entry: ServiceEntry) -> list[dict[str, Any]]:
    return [row.as_json() for row in (ctx.snapshot.changes.value or {}).get(entry.name, [])]


def dependencies_of(ctx: TeamContext, entry: ServiceEntry) -> list[dict[str, Any]]:
    strip = dependency_strip(ctx.catalog, entry, ctx.snapshot.links.value)
    return [edge.as_json() for edge in strip]


SERVICE_SECTIONS: dict[str, ServiceSection] = {
    "slos": lambda ctx, entry: [row.as_json() for row in slos_of(ctx, entry)],
    "alerts": alerts_of,
    "changes": changes_of,
    "dependencies": dependencies_of,
}


def sources_status(snapshot: Snapshot) -> dict[str, str]:
    readings = (snapshot.slo_series, snapshot.alerts, snapshot.links, snapshot.changes)
    return {r.source: ("up" if r.ok else r.problem) for r in readings}


def team_services(catalog: Catalog, team: str) -> list[ServiceEntry]:
    return [entry for entry in catalog.services.values() if entry.team == team]


def team_view(
    ctx: TeamContext, team: str, sections: Mapping[str, ServiceSection] = SERVICE_SECTIONS
) -> dict[str, Any]:
    """The JSON twin of /teams/<team>."""
    catalog = ctx.catalog
    found = catalog.teams.teams[team]
    services = [
        {
            "name": entry.name,
            "tier": entry.spec.tier,
            "description": entry.spec.description,
            **{name: build(ctx, entry) for name, build in sections.items()},
        }
        for entry in team_services(catalog, team)
    ]
    return {
        "team": team,
        "mission": found.mission,
        "channel": found.channel,
        "members": [person(catalog, pid) for pid in found.members],
        **on_call(catalog, found, ctx.snapshot.now),
        "services": services,
        "sources": sources_status(ctx.snapshot),
    }


def team_rollup(view: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The team page's tables across all its services: SLOs by budget left (unknown last),
    alerts pages first then oldest first, changes newest first."""
    services = view["services"]
    slos = [row for s in services for row in s["slos"]]
    alerts = [row for s in services for row in s["alerts"]]
    changes = [row for s in services for row in s["changes"]]
    budget = "budget_remaining"
    return {
        "slos": sorted(slos, key=lambda r: (r[budget] is None, r[budget] or 0.0)),
        "alerts": sorted(alerts, key=lambda a: (a["severity"] != "page", a["since"])),
        "changes": sorted(changes, key=lambda c: c["date"], reverse=True),
    }


def index_view(ctx: TeamContext) -> dict[str, Any]:
    """The JSON twin of /: every team with its services, on call, firing alerts, worst budget."""
    teams = []
    for name, team in ctx.catalog.teams.teams.items():
        entries = team_services(ctx.catalog, name)
        slos = [row for entry in entries for row in slos_of(ctx, entry)]
        known = [row for row in slos if row.budget_remaining is not None]
        worst = min(known, key=lambda row: row.budget_remaining or 0.0) if known else None
        firing = sum(len(alerts_of(ctx, entry)) for entry in entries)
        teams.append(
            {
                "team": name,
                "mission": team.mission,
                "on_call": person(ctx.catalog, team.oncall_at(ctx.snapshot.now)),
                "services": [entry.name for entry in entries],
                "firing_alerts": firing if ctx.snapshot.alerts.ok else None,
                "worst_budget": worst.as_json() if worst else None,
            }
        )
    return {"teams": teams, "sources": sources_status(ctx.snapshot)}


def service_view(ctx: TeamContext, entry: ServiceEntry, charts: list[Any]) -> dict[str, Any]:
    """The JSON twin of /services/<svc>: owners, on call, SLOs, alerts, neighbours, charts."""
    catalog, owners = ctx.catalog, entry.owners
    team = catalog.teams.teams[entry.team]
    slos = {slo.name: slo for slo in entry.slos.slos}
    return {
        "service": entry.name,
        "team": entry.team,
        "tier": entry.spec.tier,
        "lifecycle": entry.spec.lifecycle,
        "description": entry.spec.description,
        "channel": team.channel,
        **on_call(catalog, team, ctx.snapshot.now),
        "owners": {
            "file": f"services/{entry.directory.name}/OWNERS",
            "approvers": [person(catalog, pid) for pid in owners.approvers],
            "reviewers": [person(catalog, pid) for pid in owners.reviewers],
        },
        "slos": [
            {**row.as_json(), "sli_kind": slos[row.name].sli.kind} for row in slos_of(ctx, entry)
        ],
        "alerts": alerts_of(ctx, entry),
        "dependencies": dependencies_of(ctx, entry),
        "runbook_url": entry.runbook_url(),
        "deviations": deviations_of(entry),
        "charts": [chart.as_json() for chart in charts],
        "sources": sources_status(ctx.snapshot),
    }


WEB = ("https://", "http://")


def deviations_of(entry: ServiceEntry) -> list[dict[str, Any]]:
    """The platform defaults the service departs from, each with its reason and evidence; an
    evidence link is offered only for a web address (a repository path is shown as text)."""
    return [
        {
            "standard": d.standard,
            "default": DEVIABLE_STANDARDS.get(d.standard, ""),
            "reason": d.reason,
            "evidence": d.evidence,
            "evidence_link": d.evidence if (d.evidence or "").startswith(WEB) else None,
        }
        for d in entry.spec.deviations
    ]
