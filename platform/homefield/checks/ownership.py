"""ownership.*: every changed path has owners, and someone outside them needs their approval.

Prow and Chromium semantics, over the whole tree: the nearest OWNERS file's team owns a path,
and a change by anyone outside that team needs one of that team's approvers (the approvers of
its OWNERS files on the walk up). Inside a service only its home team's approvers count; the
root approvers count for root-owned paths only. Generated files that match their render need
only their sources' approvals. OWNERS and teams.yaml edits also need their current owners, and
an OWNERS edit that hands a path to another team (a transfer) needs that team's approval too.
"""

from __future__ import annotations

from homefield.catalog import CatalogError, Teams, parse_owners, parse_teams
from homefield.checks import approvals, generated
from homefield.checks.context import Context
from homefield.checks.model import Finding, Requirement
from homefield.ownership import is_owners_file, service_of

UNOWNED = "ownership.unowned"
OWNERS_CHANGE = "ownership.owners-change"
HOME_APPROVAL = approvals.RULE
OWNERS_APPROVAL = "approvals.owners-required"


def path_requirements(ctx: Context) -> list[Requirement]:
    """One requirement per owning team (and approver set) of paths the author is outside of."""
    exempt = generated.matching(ctx)
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for path in dict.fromkeys(ctx.paths):
        ownership = ctx.index.resolve(path)
        team = ownership.team
        if team is None or team in ctx.author_teams or path in exempt:
            continue
        groups.setdefault((team, tuple(ownership.approvers_of(team))), []).append(path)
    requirements: list[Requirement] = []
    for (team, approvers), paths in groups.items():
        services = {service_of(p) for p in paths}
        service = services.pop() if len(services) == 1 else None
        if service is not None:
            reason = f"away change to {service}: needs an approver of {team}"
            requirements.append(Requirement(HOME_APPROVAL, reason, team, approvers, service))
            continue
        more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
        reason = f"{paths[0]}{more} changed: owned by {team}, needs one of its approvers"
        requirements.append(Requirement(OWNERS_APPROVAL, reason, team, approvers, None, paths[0]))
    return requirements


def touched_teams(ctx: Context) -> set[str]:
    """Every team that owns a path the change touches."""
    teams = {ctx.index.resolve(p).team for p in ctx.paths}
    teams |= {t.home_team for t in ctx.services}
    return {t for t in teams if t}


def owner_approvers(ctx: Context) -> set[str]:
    """Every approver of every team that owns a touched path."""
    found: set[str] = set()
    for path in dict.fromkeys(ctx.paths):
        ownership = ctx.index.resolve(path)
        if ownership.team:
            found.update(ownership.approvers_of(ownership.team))
    return found


def check_unowned(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for change in ctx.changes:
        if not ctx.index.resolve(change.path).owned:
            message = "no OWNERS file at base covers this path: add one in a parent directory"
            findings.append(
                Finding(UNOWNED, "block", message, service_of(change.path), change.path)
            )
    return findings


def check_owners_files(ctx: Context) -> tuple[list[Finding], list[Requirement]]:
    """Findings for OWNERS/teams.yaml that no longer parse, and the approvals each edit needs."""
    findings: list[Finding] = []
    requirements: list[Requirement] = []
    head_teams = _head_teams(ctx, findings)
    owners_paths = [p for p in dict.fromkeys(ctx.paths) if is_owners_file(p)]
    head_texts = ctx.read("head", owners_paths)
    for path in owners_paths:
        requirements.append(_owners_requirement(ctx, path))
        text = head_texts[path]
        if text is not None:
            try:
                parse_owners(text, path, head_teams or ctx.teams)
            except CatalogError as exc:
                findings.append(Finding(OWNERS_CHANGE, "block", str(exc), service_of(path), path))
    requirements += [_receiving_requirement(ctx, *moved) for moved in team_changes(ctx)]
    if ctx.changed("teams.yaml") and head_teams is not None:
        requirements += _teams_requirements(ctx, head_teams)
    return findings, requirements


def _owners_requirement(ctx: Context, path: str) -> Requirement:
    ownership = ctx.index.resolve(path)
    team = ownership.team
    approvers = ownership.approvers_of(team) if team else []
    reason = f"{path} changed: needs an approver of its current owners ({team or 'none'})"
    return Requirement(OWNERS_CHANGE, reason, team, tuple(approvers), service_of(path), path)


def team_changes(ctx: Context) -> list[tuple[str, str, str]]:
    """(path, old team, new team) for each OWNERS file whose team the change replaces."""
    paths = [p for p in dict.fromkeys(ctx.paths) if is_owners_file(p)]
    base, head = ctx.read("base", paths), ctx.read("head", paths)
    moved: list[tuple[str, str, str]] = []
    for path in paths:
        before, after = _team(base[path], path, ctx.teams), _team(head[path], path, ctx.teams)
        if before and after and before != after:
            moved.append((path, before, after))
    return moved


def _team(text: str | None, path: str, teams: Teams) -> str | None:
    if text is None:
        return None
    try:
        return parse_owners(text, path, teams).team
    except CatalogError:
        return None  # ownership.owners-change reports an OWNERS file that does not parse


def _receiving_requirement(ctx: Context, path: str, old: str, new: str) -> Requirement:
    entry = ctx.teams.teams.get(new)
    approvers = ctx.index.team_approvers(new) or (list(entry.members) if entry else [])
    reason = f"{path} hands ownership from {old} to {new}: needs an approver of {new}"
    return Requirement(OWNERS_CHANGE, reason, new, tuple(approvers), service_of(path), path)


def _head_teams(ctx: Context, findings: list[Finding]) -> Teams | None:
    if not ctx.changed("teams.yaml"):
        return None
    text = ctx.read("head", ["teams.yaml"])["teams.yaml"]
    if text is None:
        findings.append(Finding(OWNERS_CHANGE, "block", "teams.yaml deleted", None, "teams.yaml"))
        return None
    try:
        return parse_teams(text, "teams.yaml")
    except CatalogError as exc:
        findings.append(Finding(OWNERS_CHANGE, "block", str(exc), None, "teams.yaml"))
        return None


def _teams_at_merge_base(ctx: Context) -> Teams:
    text = ctx.read("base", ["teams.yaml"])["teams.yaml"]
    try:
        return parse_teams(text, "teams.yaml") if text is not None else ctx.teams
    except CatalogError:
        return ctx.teams


def _teams_requirements(ctx: Context, head: Teams) -> list[Requirement]:
    base = _teams_at_merge_base(ctx)
    requirements: list[Requirement] = []
    for team in sorted(set(base.teams) | set(head.teams)):
        if base.teams.get(team) == head.teams.get(team):
            continue
        entry = ctx.teams.teams.get(team) or base.teams.get(team)
        current = ctx.index.team_approvers(team) or (list(entry.members) if entry else [])
        if not current:
            requirements.append(_root_requirement(ctx, f"teams.yaml adds team {team}"))
            continue
        reason = f"teams.yaml entry for {team} changed: needs one of its current approvers"
        requirements.append(
            Requirement(OWNERS_CHANGE, reason, team, tuple(current), None, "teams.yaml")
        )
    if base.people != head.people or base.bar_raisers != head.bar_raisers:
        requirements.append(_root_requirement(ctx, "teams.yaml people or bar_raisers changed"))
    return requirements


def _root_requirement(ctx: Context, reason: str) -> Requirement:
    ownership = ctx.index.resolve("teams.yaml")
    team = ownership.team
    approvers = tuple(ownership.approvers_of(team)) if team else ()
    return Requirement(
        OWNERS_CHANGE,
        f"{reason}: needs an owner of teams.yaml",
        team,
        approvers,
        None,
        "teams.yaml",
    )
