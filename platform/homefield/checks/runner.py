"""Run every rule family on one change and decide the verdict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from homefield.checks import (
    approvals,
    away,
    bar_raiser,
    boundaries,
    metrics,
    ownership,
    practices,
    protos,
    service_spec,
    slo,
)
from homefield.checks.context import Context
from homefield.checks.model import Finding, Report

Rule = Callable[[Context], list[Finding]]
RULE_FAMILIES: tuple[Rule, ...] = (
    ownership.check_unowned,
    boundaries.check,
    protos.check,
    away.check,
    slo.check,
    service_spec.check,
    practices.check,
    metrics.check,
)


def run_checks(ctx: Context) -> Report:
    """Every finding, the approvals and the bar-raiser verdict for the change in ``ctx``."""
    findings: list[Finding] = []
    for rule in RULE_FAMILIES:
        findings += rule(ctx)
    owners_findings, requirements = ownership.check_owners_files(ctx)
    findings += owners_findings
    requirements = ownership.path_requirements(ctx) + requirements
    given = approvals.given(ctx)
    missing = [r for r in requirements if not approvals.is_satisfied(r, given)]
    findings += approvals.findings(ctx, missing)
    findings += approvals.changes_requested(ctx, ownership.owner_approvers(ctx))
    result, raiser_findings = bar_raiser.evaluate(ctx, findings, requirements, given)
    findings += raiser_findings
    if result.satisfied_by or result.override:
        findings = [
            replace(f, severity="warn") if f.rule == protos.BREAKING else f for f in findings
        ]
    return Report(
        base=ctx.base,
        head=ctx.head,
        author=ctx.author,
        author_team=ctx.author_team,
        services=ctx.services,
        findings=findings,
        required=requirements,
        given=given,
        missing=missing,
        bar_raiser=result,
        author_source=ctx.author_source,
        author_teams=ctx.author_teams,
    )
