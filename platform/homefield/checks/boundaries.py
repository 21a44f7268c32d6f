"""boundaries.cross-service-import: a service imports only itself, homefield and the protos."""

from __future__ import annotations

from homefield.checks.context import Context
from homefield.checks.model import Finding
from homefield.checks.python_source import (
    UnparsableSource,
    changed_python,
    imported_modules,
    symlink_targets,
)
from homefield.ownership import service_of

RULE = "boundaries.cross-service-import"
_ADVICE = "call its API or consume its events (shared code belongs in homefield or the protos)"


def service_packages(files: list[str]) -> dict[str, set[str]]:
    """Top-level package name -> the services with services/<svc>/src/<package>/."""
    packages: dict[str, set[str]] = {}
    for path in files:
        parts = path.split("/")
        if len(parts) >= 5 and parts[0] == "services" and parts[2] == "src":
            packages.setdefault(parts[3], set()).add(parts[1])
    return packages


def _in_service(path: str) -> str | None:
    return service_of(path) if path.startswith("services/") else None


def check(ctx: Context) -> list[Finding]:
    findings = _symlinks(ctx)
    if not any(_in_service(c.path) and c.path.endswith(".py") for c in ctx.changes):
        return findings
    packages = service_packages([*ctx.base_tree, *ctx.head_tree])
    for item in changed_python(ctx):
        if isinstance(item, UnparsableSource):
            if _in_service(item.path):
                findings.append(
                    Finding(RULE, "block", str(item), _in_service(item.path), item.path)
                )
            continue
        own = _in_service(item.path)
        if own is None:
            continue
        before = imported_modules(item.base) if item.base else {}
        for module, line in imported_modules(item.head).items():
            if module in before:
                continue
            where = f"{item.path}:{line}"
            if module == "<computed>":
                message = f"{where}: a dynamic import with a computed name cannot be checked"
                findings.append(Finding(RULE, "block", message, own, item.path))
                continue
            others = packages.get(module.split(".")[0], set()) - {own}
            if others:
                message = f"{where}: imports {module} from service {min(others)}: {_ADVICE}"
                findings.append(Finding(RULE, "block", message, own, item.path))
    return findings


def _symlinks(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for path, target in symlink_targets(ctx).items():
        own = _in_service(path)
        if own is None:
            continue
        other = _in_service(target + "/") if target is not None else None
        if target is None:
            message = "a symlink that points outside the repository"
        elif other and other != own:
            message = f"a symlink into service {other} ({target}): {_ADVICE}"
        else:
            continue
        findings.append(Finding(RULE, "block", f"{path}: {message}", own, path))
    return findings
