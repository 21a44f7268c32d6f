"""What makes a change high impact, so that it needs a bar raiser: one registry of triggers.

Each trigger reads the change (and the findings so far) and returns its reasons, empty when it
does not apply. A new kind of high-impact change is one function and one line in TRIGGERS.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from homefield import catalog
from homefield.checks import contracts
from homefield.checks.context import Context
from homefield.checks.model import Finding
from homefield.checks.ownership import team_changes
from homefield.checks.protos import BREAKING
from homefield.checks.testsuite import removed_tests
from homefield.ownership import is_owners_file

LARGE_AWAY_CHANGE = 400

Trigger = Callable[[Context, list[Finding]], list[str]]


def breaking_protos(_ctx: Context, findings: list[Finding]) -> list[str]:
    return ["breaking proto change"] if any(f.rule == BREAKING for f in findings) else []


def buf_configuration(ctx: Context, _findings: list[Finding]) -> list[str]:
    names = ("buf.yaml", "buf.lock", "buf.work.yaml")
    return [
        f"{p} changed (the rules every proto is checked by)"
        for p in ctx.paths
        if p.startswith("protos/") and posixpath.basename(p) in names
    ]


def slos(ctx: Context, _findings: list[Finding]) -> list[str]:
    return [f"{p} changed" for p in ctx.paths if p.endswith("/slo.yaml")]


def ownership(ctx: Context, _findings: list[Finding]) -> list[str]:
    return [f"{p} changed" for p in ctx.paths if is_owners_file(p) or p == "teams.yaml"]


def transfers(ctx: Context, _findings: list[Finding]) -> list[str]:
    return [f"{path}: ownership moves from {old} to {new}" for path, old, new in team_changes(ctx)]


def new_dependencies(ctx: Context, _findings: list[Finding]) -> list[str]:
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
        spec = catalog.parse_service(text, path)
    except catalog.CatalogError:
        return set()
    return {f"consumes {t}" for t in spec.consumes} | {f"calls {c}" for c in spec.calls}


def removed_test_modules(ctx: Context, _findings: list[Finding]) -> list[str]:
    return removed_tests(ctx)


def large_tier1_away_change(ctx: Context, _findings: list[Finding]) -> list[str]:
    return [
        f"away change of {t.lines} lines to tier-1 {t.name} (more than {LARGE_AWAY_CHANGE})"
        for t in ctx.services
        if t.contribution == "away" and t.tier == 1 and t.lines > LARGE_AWAY_CHANGE
    ]


def public_api_contract(ctx: Context, _findings: list[Finding]) -> list[str]:
    return contracts.public_api(ctx)


def experiment_decisions(ctx: Context, _findings: list[Finding]) -> list[str]:
    return contracts.experiments(ctx)


TRIGGERS: dict[str, Trigger] = {
    "breaking-proto": breaking_protos,
    "buf-configuration": buf_configuration,
    "slo": slos,
    "ownership": ownership,
    "transfer": transfers,
    "new-dependency": new_dependencies,
    "removed-tests": removed_test_modules,
    "large-tier-1-away-change": large_tier1_away_change,
    "public-api-contract": public_api_contract,
    "experiment-decision": experiment_decisions,
}


def high_impact_reasons(ctx: Context, findings: list[Finding]) -> list[str]:
    """Why the change is high impact (empty when it is not), from every trigger in TRIGGERS."""
    reasons: list[str] = []
    for trigger in TRIGGERS.values():
        reasons += trigger(ctx, findings)
    return list(dict.fromkeys(reasons))
