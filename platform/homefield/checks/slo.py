"""slo.invalid: a changed slo.yaml (or runbook, bootstrap.py or handlers) still validates, every
runbook link resolves, and every handler or gRPC method it names is registered in bootstrap.py.

bootstrap.py is read with ``ast`` at the head revision: the check never runs the change's code.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from homefield import catalog
from homefield.catalog.markdown import anchors
from homefield.catalog.registrations import (
    bootstrap_path,
    known_names,
    read_registrations,
    unregistered,
)
from homefield.checks.context import Context
from homefield.checks.model import Finding

if TYPE_CHECKING:
    from homefield.catalog import SloFile

RULE = "slo.invalid"


def check(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for touch in ctx.services:
        home = f"services/{touch.name}"
        slo_path = f"{home}/slo.yaml"
        if not any(ctx.changed(path) for path in _triggers(touch.name)):
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
        slos = catalog.parse_slos(text, slo_path)
    except catalog.CatalogError as exc:
        return [Finding(RULE, "block", str(exc), service, slo_path)]
    findings = _registrations(ctx, service, slo_path, slos)
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


def _triggers(service: str) -> list[str]:
    """The files whose change can break an SLO: its own, the runbook, and what registers the
    names it measures (bootstrap.py, handlers.py)."""
    bootstrap = bootstrap_path(service)
    handlers = posixpath.join(posixpath.dirname(bootstrap), "handlers.py")
    return [f"services/{service}/slo.yaml", f"services/{service}/RUNBOOK.md", bootstrap, handlers]


def _registrations(ctx: Context, service: str, slo_path: str, slos: SloFile) -> list[Finding]:
    bootstrap = bootstrap_path(service)
    text = ctx.read("head", [bootstrap])[bootstrap]
    try:
        registered = read_registrations(text or "", bootstrap)
    except catalog.CatalogError as exc:
        return [Finding(RULE, "block", str(exc), service, bootstrap)]
    if text is None:
        bootstrap += " (missing)"
    return [
        Finding(
            RULE,
            "block",
            f"{slo_path}: {problem.message(bootstrap, known_names(registered, problem.field))}",
            service,
            slo_path,
        )
        for problem in unregistered(slos, registered)
    ]
