"""The practices' rules: deviations shown with data, planned growth kept current, retired teams.

- `deviations.evidence-required`: a deviation (service.yaml `deviations:`) the change adds or
  rewrites without `evidence` warns when the home team adds it and blocks an away team.
- `usage.planned-expired`: a `planned_growth` mark whose date has passed, in a service the
  change touches, warns: it silences nothing any more and should be removed or renewed.
- `teams.retired`: every service still owned by a team that teams.yaml marks `retired` warns
  until it is transferred (`homefield transfer`) or deleted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from homefield.catalog import CatalogError
from homefield.checks.context import Context
from homefield.checks.model import Finding
from homefield.ownership import service_of

EVIDENCE = "deviations.evidence-required"
PLANNED_EXPIRED = "usage.planned-expired"
RETIRED = "teams.retired"

if TYPE_CHECKING:
    from homefield.catalog import ServiceSpec


def _spec(ctx: Context, rev: str, service: str, key: str) -> ServiceSpec | None:
    """The service's spec at ``rev``, or None when its service.yaml does not mention ``key``
    (so a change to a service without one never loads the service model)."""
    path = f"services/{service}/service.yaml"
    text = ctx.text(rev, path)
    if text is None or key not in text:
        return None
    from homefield.catalog import parse_service

    try:
        return parse_service(text, path)
    except CatalogError:
        return None  # service.invalid reports it


def check_deviations(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for touch in ctx.services:
        path = f"services/{touch.name}/service.yaml"
        head = _spec(ctx, "head", touch.name, "deviations") if ctx.changed(path) else None
        if head is None:
            continue
        base = _spec(ctx, "base", touch.name, "deviations")
        before = set(base.deviations) if base else set()
        for deviation in head.deviations:
            if deviation in before or deviation.evidence is not None:
                continue
            away = touch.contribution == "away"
            who = "an away team" if away else "the home team"
            message = (
                f"deviation from {deviation.standard!r} added by {who} without evidence: link a"
                " benchmark in the repository or a dashboard that shows why"
            )
            findings.append(
                Finding(EVIDENCE, "block" if away else "warn", message, touch.name, path)
            )
    return findings


def check_planned(ctx: Context, now: datetime | None = None) -> list[Finding]:
    when = now or datetime.now(UTC)
    findings: list[Finding] = []
    for touch in ctx.services:
        spec = _spec(ctx, "head", touch.name, "planned_growth")
        for mark in spec.planned_growth if spec else []:
            if not mark.active_at(when):
                message = (
                    f"planned growth of {mark.signal} ended on {mark.until} ({mark.reason}):"
                    " remove the mark or give it a new date"
                )
                path = f"services/{touch.name}/service.yaml"
                findings.append(Finding(PLANNED_EXPIRED, "warn", message, touch.name, path))
    return findings


def check_retired(ctx: Context) -> list[Finding]:
    retired = set(ctx.teams.retired)
    if not retired:
        return []
    services = sorted({s for p in ctx.head_files if (s := service_of(p))})
    findings: list[Finding] = []
    for name in services:
        team = ctx.index.resolve(f"services/{name}", is_dir=True).team
        if team in retired:
            message = (
                f"{name} is still owned by the retired team {team}: transfer it"
                f" (`homefield transfer {name} --to TEAM`) or delete it"
            )
            findings.append(Finding(RETIRED, "warn", message, name, f"services/{name}/OWNERS"))
    return findings


def check(ctx: Context) -> list[Finding]:
    return check_deviations(ctx) + check_planned(ctx) + check_retired(ctx)
