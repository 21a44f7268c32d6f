"""slo.invalid: a changed slo.yaml (or runbook) still validates and every runbook link resolves."""

from __future__ import annotations

import posixpath

from homefield.catalog import CatalogError, parse_slos
from homefield.catalog.markdown import anchors
from homefield.checks.context import Context
from homefield.checks.model import Finding

RULE = "slo.invalid"


def check(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for touch in ctx.services:
        home = f"services/{touch.name}"
        slo_path = f"{home}/slo.yaml"
        if not (ctx.changed(slo_path) or ctx.changed(f"{home}/RUNBOOK.md")):
            continue
        text = ctx.read("head", [slo_path])[slo_path]
        if text is None:
            if ctx.index.is_dir(home) and ctx.changed(slo_path):
                findings.append(
                    Finding(RULE, "block", "slo.yaml was deleted", touch.name, slo_path)
                )
            continue
        findings += _validate(ctx, touch.name, slo_path, text)
    return findings


def _validate(ctx: Context, service: str, slo_path: str, text: str) -> list[Finding]:
    try:
        slos = parse_slos(text, slo_path)
    except CatalogError as exc:
        return [Finding(RULE, "block", str(exc), service, slo_path)]
    findings: list[Finding] = []
    home = posixpath.dirname(slo_path)
    for slo in slos.slos:
        file_part, _, anchor = slo.runbook_ref.partition("#")
        doc = posixpath.normpath(posixpath.join(home, file_part or "RUNBOOK.md"))
        doc_text = ctx.read("head", [doc])[doc]
        if doc_text is None:
            message = f"SLO {slo.name}: runbook {doc} does not exist"
            findings.append(Finding(RULE, "block", message, service, slo_path))
        elif anchor and anchor not in anchors(doc_text):
            message = f"SLO {slo.name}: {doc} has no section #{anchor}"
            findings.append(Finding(RULE, "block", message, service, slo_path))
    return findings
