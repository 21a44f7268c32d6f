"""What a transfer changes and what the new team takes over, read from the checkout.

A transfer rewrites every OWNERS file of the service and of its protos that names the old team,
adds a CHANGELOG line, and re-renders (alert routing and the console follow OWNERS; /info reads
it at start). `homefield check` then treats the change as high impact (the ``transfer`` trigger)
and asks for an approver of each team and a bar raiser. The takeover list tells the new team what
it now answers for: SLOs, open alerts, runbook sections and the services downstream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from homefield.catalog import Catalog, CatalogError, Owners, load_owners
from homefield.catalog.graph import dependants

_SECTION = re.compile(r"^##\s+(.+?)\s*#*\s*$")


class TransferError(Exception):
    """A transfer that cannot be prepared; the message says why, in one line."""


@dataclass(frozen=True)
class Takeover:
    """What the new team answers for once the change lands."""

    slos: list[str]
    runbook_sections: list[str]
    dependants: list[tuple[str, str]]  # (service, its team)
    open_alerts: list[str] = field(default_factory=list)
    alerts_problem: str = ""  # why open alerts could not be read, or ""


@dataclass(frozen=True)
class TransferPlan:
    service: str
    old_team: str
    new_team: str
    owners: dict[str, str]  # repo-relative OWNERS path -> its new text
    changelog: str  # repo-relative CHANGELOG path
    changelog_line: str
    takeover: Takeover


def owners_paths(root: Path, service: str) -> list[Path]:
    """Every OWNERS file under the service's directory and its proto package."""
    found: list[Path] = []
    for top in (root / "services" / service, root / "protos" / "shop" / service):
        found += sorted(top.rglob("OWNERS")) if top.is_dir() else []
    return found


def new_approvers(catalog: Catalog, team: str) -> list[str]:
    """The approvers ``team`` already names in its services' OWNERS, else its members."""
    named: dict[str, None] = {}
    for entry in catalog.services.values():
        if entry.owners.team == team:
            named.update(dict.fromkeys(entry.owners.approvers))
    return list(named) or list(catalog.teams.teams[team].members)


def owners_text(owners: Owners, team: str, approvers: list[str]) -> str:
    lines = [f"team: {team}", f"approvers: [{', '.join(approvers)}]"]
    if owners.no_parent_owners:
        lines.append("no_parent_owners: true")
    return "\n".join(lines) + "\n"


def plan_transfer(catalog: Catalog, service: str, new_team: str) -> TransferPlan:
    """The edits and the takeover list; TransferError when the transfer makes no sense."""
    entry = catalog.services.get(service)
    if entry is None:
        known = ", ".join(catalog.services) or "none"
        raise TransferError(f"unknown service {service!r} (services: {known})")
    if new_team not in catalog.teams.teams:
        known = ", ".join(catalog.teams.teams)
        raise TransferError(f"unknown team {new_team!r} (teams in teams.yaml: {known})")
    if catalog.teams.teams[new_team].retired:
        raise TransferError(f"team {new_team!r} is retired in teams.yaml and takes on nothing new")
    old_team = entry.team
    if old_team == new_team:
        raise TransferError(f"{service} is already owned by {new_team}")
    approvers = new_approvers(catalog, new_team)
    owners: dict[str, str] = {}
    for path in owners_paths(catalog.root, service):
        current = load_owners(path, catalog.teams)
        if current.team == old_team:
            rel = path.relative_to(catalog.root).as_posix()
            owners[rel] = owners_text(current, new_team, approvers)
    changelog = f"services/{service}/CHANGELOG.md"
    line = (
        f"- {date.today().isoformat()}: transferred from {old_team} to {new_team}; "
        f"{new_team} now owns its code, SLOs, alerts and on call ({new_team})."
    )
    return TransferPlan(
        service, old_team, new_team, owners, changelog, line, takeover(catalog, service)
    )


def takeover(catalog: Catalog, service: str) -> Takeover:
    entry = catalog.services[service]
    specs = {name: e.spec for name, e in catalog.services.items()}
    downstream = [(name, catalog.services[name].team) for name in dependants(specs, service)]
    sections: list[str] = []
    if entry.runbook.is_file():
        text = entry.runbook.read_text(encoding="utf-8")
        sections = [m.group(1) for line in text.splitlines() if (m := _SECTION.match(line))]
    slos = [f"{s.name} ({s.objective:g}%)" for s in entry.slos.slos]
    return Takeover(slos, sections, downstream)


def apply_transfer(root: Path, plan: TransferPlan) -> list[str]:
    """Write the OWNERS files and the CHANGELOG line; the paths written."""
    for rel, text in plan.owners.items():
        (root / rel).write_text(text, encoding="utf-8")
    changelog = root / plan.changelog
    try:
        current = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
    except (OSError, UnicodeDecodeError) as exc:
        raise TransferError(f"cannot read {plan.changelog}: {exc}") from None
    changelog.write_text(_add_line(current, plan.changelog_line), encoding="utf-8")
    return [*plan.owners, plan.changelog]


def _add_line(text: str, line: str) -> str:
    """``line`` under "## Unreleased" when there is one, else at the end."""
    lines = text.splitlines()
    for index, existing in enumerate(lines):
        if existing.strip().lower() == "## unreleased":
            lines.insert(index + 1, line)
            return "\n".join(lines) + "\n"
    return text.rstrip("\n") + "\n" + line + "\n"


def reload(catalog: Catalog) -> Catalog:
    """The catalog re-read after the edits, so a broken OWNERS shows before anything renders."""
    try:
        fresh = Catalog.load(catalog.root)
        _ = fresh.services
    except CatalogError as exc:
        raise TransferError(f"the transferred tree does not load: {exc}") from None
    return fresh


def open_alerts(alertmanager: str, service: str) -> tuple[list[str], str]:
    """The service's firing alerts in Alertmanager, or why they could not be read."""
    import httpx

    url = f"{alertmanager.rstrip('/')}/api/v2/alerts"
    try:
        response = httpx.get(url, params={"filter": f'service="{service}"'}, timeout=5.0)
        response.raise_for_status()
        alerts = response.json()
        names = sorted({str(a["labels"]["alertname"]) for a in alerts})
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        return [], f"open alerts unknown: Alertmanager at {alertmanager} did not answer ({exc})"
    return names, ""
