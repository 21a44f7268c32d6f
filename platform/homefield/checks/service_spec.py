"""service.invalid: a changed service.yaml still parses, so its tier and dependencies are known."""

from __future__ import annotations

from homefield import catalog
from homefield.checks.context import Context
from homefield.checks.model import Finding

RULE = "service.invalid"


def check(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for touch in ctx.services:
        path = f"services/{touch.name}/service.yaml"
        text = ctx.text("head", path) if ctx.changed(path) else None
        if text is None:
            continue
        try:
            catalog.parse_service(text, path)
        except catalog.CatalogError as exc:
            findings.append(Finding(RULE, "block", str(exc), touch.name, path))
    return findings
