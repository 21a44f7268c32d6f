"""bar-raiser.required: a high-impact change needs an outside bar raiser, or an override."""

from __future__ import annotations

from homefield.catalog import CatalogError, parse_service
from homefield.checks.context import Context
from homefield.checks.model import Approval, BarRaiser, Finding, Override, Requirement
from homefield.checks.protos import BREAKING
from homefield.ownership import is_owners_file

RULE = "bar-raiser.required"
LARGE_AWAY_CHANGE = 400


def high_impact_reasons(ctx: Context, findings: list[Finding]) -> list[str]:
    """Why the change is high impact (empty when it is not)."""
    reasons: list[str] = []
    if any(f.rule == BREAKING for f in findings):
        reasons.append("breaking proto change")
    reasons += [f"{p} changed" for p in ctx.paths if p.endswith("/slo.yaml")]
    reasons += [f"{p} changed" for p in ctx.paths if is_owners_file(p) or p == "teams.yaml"]
    reasons += _new_dependencies(ctx)
    reasons += [f"{c.path} deleted" for c in ctx.changes if c.status == "D" and _is_test(c.path)]
    for touch in ctx.services:
        if touch.contribution == "away" and touch.tier == 1 and touch.lines > LARGE_AWAY_CHANGE:
            reasons.append(
                f"away change of {touch.lines} lines to tier-1 {touch.name} "
                f"(more than {LARGE_AWAY_CHANGE})"
            )
    return list(dict.fromkeys(reasons))


def _is_test(path: str) -> bool:
    return path.startswith("tests/") or "/tests/" in path


def _new_dependencies(ctx: Context) -> list[str]:
    paths = [p for p in dict.fromkeys(ctx.paths) if p.endswith("/service.yaml")]
    base, head = ctx.read("base", paths), ctx.read("head", paths)
    reasons: list[str] = []
    for path in paths:
        before, after = _dependencies(path, base[path]), _dependencies(path, head[path])
        reasons += [f"{path}: new dependency {dep}" for dep in sorted(after - before)]
    return reasons


def _dependencies(path: str, text: str | None) -> set[str]:
    if text is None:
        return set()
    try:
        spec = parse_service(text, path)
    except CatalogError:
        return set()
    return {f"consumes {t}" for t in spec.consumes} | {f"calls {c}" for c in spec.calls}


def eligible(ctx: Context) -> list[str]:
    """Bar raisers on neither a home team of the change nor the author's team."""
    excluded = {t.home_team for t in ctx.services} | {ctx.author_team}
    members = {p for team in excluded if team for p in ctx.teams.teams[team].members}
    return [p for p in ctx.teams.bar_raisers if p not in members and p != ctx.author]


def _home_approved(ctx: Context, requirements: list[Requirement], given: list[Approval]) -> bool:
    people = {a.person for a in given}
    scopes = [set(t.approvers) for t in ctx.services]
    if not scopes:
        scopes = [set(r.any_of) for r in requirements]
    return bool(scopes) and all(scope & people for scope in scopes)


def _override(ctx: Context) -> Override | None:
    for commit in ctx.commits:
        if commit.trailers:
            who = ctx.teams.person_by_email(commit.author_email) or commit.author_email
            return Override(commit.trailers[0], commit.sha, who)
    return None


def evaluate(
    ctx: Context, findings: list[Finding], requirements: list[Requirement], given: list[Approval]
) -> tuple[BarRaiser, list[Finding]]:
    """The bar-raiser section of the report, and its finding when the change still needs one."""
    reasons = high_impact_reasons(ctx, findings)
    result = BarRaiser(required=bool(reasons), reasons=reasons, eligible=eligible(ctx))
    if not reasons:
        return result, []
    approved = [a.person for a in given if a.person in result.eligible]
    if approved:
        result.satisfied_by = approved[0]
        return result, []
    override = _override(ctx)
    if override and _home_approved(ctx, requirements, given):
        result.override = override
        message = f"OVERRIDDEN by {override.by} in {override.commit[:12]}: {override.reason}"
        return result, [Finding(RULE, "warn", message)]
    who = ", ".join(result.eligible) or "nobody eligible"
    message = (
        f"high impact ({'; '.join(reasons)}): needs an APPROVED review from a bar raiser: {who}"
    )
    if override:
        message += f" (override {override.commit[:12]} needs a home-team approver's approval too)"
    return result, [Finding(RULE, "block", message)]
