"""boundaries.cross-service-import: a service imports only itself, homefield and the protos."""

from __future__ import annotations

import re

from homefield.checks.context import Context
from homefield.checks.model import Finding
from homefield.ownership import service_of

RULE = "boundaries.cross-service-import"
_FROM = re.compile(r"^\s*from\s+([A-Za-z_][\w.]*)\s+import\b")
_IMPORT = re.compile(r"^\s*import\s+([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)")


def service_packages(files: list[str]) -> dict[str, str]:
    """Top-level package name -> service, from services/<svc>/src/<package>/."""
    packages: dict[str, str] = {}
    for path in files:
        parts = path.split("/")
        if len(parts) >= 5 and parts[0] == "services" and parts[2] == "src":
            packages.setdefault(parts[3], parts[1])
    return packages


def imported_modules(line: str) -> list[str]:
    match = _FROM.match(line)
    if match:
        return [match.group(1)]
    match = _IMPORT.match(line)
    if match:
        return [name.strip() for name in match.group(1).split(",")]
    return []


def check(ctx: Context) -> list[Finding]:
    python = {p: lines for p, lines in ctx.added_lines.items() if p.endswith(".py")}
    if not python:
        return []
    packages = service_packages(ctx.head_files)
    findings: list[Finding] = []
    for path, lines in sorted(python.items()):
        own = service_of(path)
        for line in lines:
            for module in imported_modules(line):
                other = packages.get(module.split(".")[0])
                if other and other != own:
                    message = (
                        f"imports {module} from service {other}: call its API or consume its "
                        "events (shared code belongs in homefield or the protos)"
                    )
                    findings.append(Finding(RULE, "block", message, own, path))
    return findings
