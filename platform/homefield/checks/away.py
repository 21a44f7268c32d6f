"""away.*: an away change leaves the service in good order: tests, a CHANGELOG line, a runbook."""

from __future__ import annotations

import posixpath
import re
from collections import Counter

from homefield.checks.context import Context
from homefield.checks.model import Finding, ServiceTouch, Severity
from homefield.checks.testsuite import real_test_changes

TESTS = "away.tests-required"
CHANGELOG = "away.changelog-required"
RUNBOOK = "away.runbook-required"


def check(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for touch in ctx.services:
        if touch.contribution == "away":
            findings += _tests(ctx, touch)
            findings += _changelog(ctx, touch)
        findings += _runbook(ctx, touch)
    return findings


def _tests(ctx: Context, touch: ServiceTouch) -> list[Finding]:
    src = f"services/{touch.name}/src/"
    tests = f"services/{touch.name}/tests/"
    changed_src = [p for p in touch.paths if p.startswith(src)]
    if not changed_src or real_test_changes(ctx, [p for p in touch.paths if p.startswith(tests)]):
        return []
    message = (
        f"source changed but no test module under {tests} gained or changed test code "
        "(mode changes, whitespace, comments, non-Python files and gitlinks do not count)"
    )
    return [Finding(TESTS, "block", message, touch.name, changed_src[0])]


# The ways a CHANGELOG line credits a team, each with {team} for the escaped team name. "by team"
# must end a clause, so "handled by payments for refunds" (the service) does not count.
CREDIT_FORMS = (
    r"\(\s*{team}\s*\)",  # (fulfillment)
    r"(?<![\w-]){team} team\b",  # fulfillment team
    r"\(\s*away[ -]team\s*:\s*{team}\s*\)",  # (away team: fulfillment)
    r"(?<![\w-])by\s+{team}(?![\w-])(?=\s*(?:[.,;:)\]]|$))",  # by fulfillment
    r"(?<![\w@])@[a-z0-9][a-z0-9-]*/{team}(?![\w-])",  # @acme/fulfillment (a GitHub team)
)


def credit_examples(team: str) -> str:
    """The credit forms, spelled out for ``team``, for a finding's message."""
    forms = [f"({team})", f"{team} team", f"(away team: {team})", f"by {team}", f"@<org>/{team}"]
    return ", ".join(f'"{form}"' for form in forms)


def names_team(line: str, team: str) -> bool:
    """Whether a CHANGELOG line credits ``team`` in one of CREDIT_FORMS (any case). A line that
    only mentions a service of the same name ("the payments service") does not."""
    name = re.escape(team)
    return any(
        re.search(form.format(team=name), line, re.IGNORECASE) is not None for form in CREDIT_FORMS
    )


def added_lines(ctx: Context, path: str) -> list[str]:
    """Lines of ``path`` at head that base does not have (as many times as they were added)."""
    before = Counter((ctx.text("base", path) or "").splitlines())
    return list((Counter((ctx.text("head", path) or "").splitlines()) - before).elements())


def _changelog(ctx: Context, touch: ServiceTouch) -> list[Finding]:
    path = f"services/{touch.name}/CHANGELOG.md"
    team = ctx.author_team
    added = added_lines(ctx, path)
    if team and any(names_team(line, team) for line in added):
        return []
    if team:
        message = f"add a line to {path} that credits your team: {credit_examples(team)}"
    else:
        message = f"add a line to {path} naming your team (the author is not in teams.yaml)"
    return [Finding(CHANGELOG, "block", message, touch.name, path)]


def is_alerting(path: str) -> bool:
    """slo.yaml, Prometheus rule files (generated or not) and anything named for alerts."""
    name = posixpath.basename(path)
    return (
        path.endswith("/slo.yaml")
        or "alert" in name.lower()
        or (path.startswith("deploy/") and name == "prometheusrule.yaml")
        or path.startswith("deploy/prometheus/rules/")
    )


def _runbook(ctx: Context, touch: ServiceTouch) -> list[Finding]:
    runbook = f"services/{touch.name}/RUNBOOK.md"
    alerting = sorted(p for p in touch.paths if is_alerting(p))
    if not alerting or ctx.changed(runbook):
        return []
    severity: Severity = "block" if touch.contribution == "away" else "warn"
    message = f"{', '.join(alerting)} changed but {runbook} was not updated to cover it"
    return [Finding(RUNBOOK, severity, message, touch.name, alerting[0])]
