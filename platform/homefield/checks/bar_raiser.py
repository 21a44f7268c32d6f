"""bar-raiser.required: a high-impact change needs an independent bar raiser, or an override.

Independence (the ``bar-raiser.independent`` rule): a bar raiser sits outside every team that
owns a touched path, outside every team the author belongs to, and is none of the approvers the
change needs, so nobody signs off twice. When no listed bar raiser qualifies, teams.yaml's bar
raisers of last resort (people in no team, leadership for example) may; when none does either,
the check says so and names the rule.
"""

from __future__ import annotations

from homefield.checks.context import Context
from homefield.checks.high_impact import high_impact_reasons
from homefield.checks.model import Approval, BarRaiser, Finding, Override, Requirement
from homefield.checks.ownership import touched_teams

RULE = "bar-raiser.required"
INDEPENDENCE = "bar-raiser.independent"


def excluded_teams(ctx: Context) -> list[str]:
    return sorted(touched_teams(ctx) | set(ctx.author_teams))


def eligible(ctx: Context, requirements: list[Requirement]) -> list[str]:
    """Bar raisers outside every owning team and author team, and not a required approver."""
    members = {p for team in excluded_teams(ctx) for p in ctx.teams.teams[team].members}
    approvers = {p for r in requirements for p in r.any_of}
    excluded = members | approvers | {ctx.author}
    found = [p for p in ctx.teams.bar_raisers if p not in excluded]
    return found or [p for p in ctx.teams.bar_raisers_of_last_resort if p not in excluded]


def _home_approved(ctx: Context, requirements: list[Requirement], given: list[Approval]) -> bool:
    people = {a.person for a in given}
    scopes = [set(t.approvers) for t in ctx.services] + [set(r.any_of) for r in requirements]
    return bool(scopes) and all(scope & people for scope in scopes if scope)


def _override(ctx: Context) -> Override | None:
    for commit in ctx.commits:
        if commit.trailers:
            who = ctx.teams.person_by_email(commit.author_email) or commit.author_email
            return Override(commit.trailers[0], commit.sha, who)
    return None


def _nobody_eligible(ctx: Context) -> str:
    teams = ", ".join(excluded_teams(ctx)) or "none"
    return (
        f"no bar raiser is eligible under rule {INDEPENDENCE}: a bar raiser must be outside "
        f"every team that owns a touched path or that the author belongs to ({teams}) and "
        "must not be one of the change's required approvers; name a bar raiser of last resort "
        "in teams.yaml (bar_raisers_of_last_resort)"
    )


def evaluate(
    ctx: Context, findings: list[Finding], requirements: list[Requirement], given: list[Approval]
) -> tuple[BarRaiser, list[Finding]]:
    """The bar-raiser section of the report, and its finding when the change still needs one."""
    reasons = high_impact_reasons(ctx, findings)
    result = BarRaiser(
        required=bool(reasons), reasons=reasons, eligible=eligible(ctx, requirements)
    )
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
    who = ", ".join(result.eligible) if result.eligible else _nobody_eligible(ctx)
    message = (
        f"high impact ({'; '.join(reasons)}): needs an APPROVED review from a bar raiser: {who}"
    )
    if override:
        message += f" (override {override.commit[:12]} needs a home-team approver's approval too)"
    return result, [Finding(RULE, "block", message)]
