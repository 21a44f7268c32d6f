"""Scorecard checks of the platform's defaults (docs: "Deviations"), read from a git tree.

Each check returns None when the service follows the default, or what it found instead. A
service that declares a deviation from one (service.yaml `deviations:`) is shown with its
reason rather than failed. Sources are parsed with ``ast``, never imported.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from dataclasses import dataclass

from homefield.catalog import SLI_KINDS, CatalogError
from homefield.catalog.yamlfile import parse_yaml
from homefield.checks.python_source import imported_modules, parse_or_none

RETRY_LIBRARIES = ("tenacity", "stamina", "backoff", "retrying")
_OWN_KNOBS = ("timeout", "retry", "retries", "attempts", "backoff", "deadline")


@dataclass(frozen=True)
class ServiceSources:
    """What the default checks read about one service at one revision."""

    name: str
    python: dict[str, str]  # path -> text, every .py under services/<svc>/src/
    slo_text: str | None
    dashboard_text: str | None


def _trees(sources: ServiceSources) -> dict[str, ast.Module]:
    found = {path: parse_or_none(text) for path, text in sources.python.items()}
    return {path: tree for path, tree in found.items() if tree is not None}


def _called(tree: ast.Module, name: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == name:
                return True
    return False


def _imports_service_app(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("homefield.runtime")
        and any(alias.name == "ServiceApp" for alias in node.names)
        for node in ast.walk(tree)
    )


def check_runtime(sources: ServiceSources) -> str | None:
    for tree in _trees(sources).values():
        if _imports_service_app(tree) or (
            any(m.startswith("homefield.runtime") for m in imported_modules(tree))
            and _called(tree, "ServiceApp")
        ):
            return None
    return "no module under src/ builds on homefield.runtime's ServiceApp"


def check_sli_kinds(sources: ServiceSources) -> str | None:
    try:  # the catalog's loader: it refuses aliases and deep nesting
        data = parse_yaml(sources.slo_text or "", f"services/{sources.name}/slo.yaml").data or {}
    except CatalogError as exc:
        return f"slo.yaml cannot be read: {exc}"
    slos = data.get("slos", []) if isinstance(data, dict) else []
    kinds = [s.get("sli", {}).get("kind") for s in slos if isinstance(s, dict)]
    odd = sorted({str(k) for k in kinds if k not in SLI_KINDS})
    return f"SLI kinds outside the platform's: {', '.join(odd)}" if odd else None


def check_dashboard(sources: ServiceSources) -> str | None:
    path = f"deploy/grafana/dashboards/{sources.name}.json"
    if sources.dashboard_text is None:
        return f"{path} is missing: `make render` generates it"
    try:
        board = json.loads(sources.dashboard_text)
    except ValueError:
        return f"{path} is not JSON"
    if not isinstance(board, dict) or board.get("uid") != f"homefield-{sources.name}":
        return f"{path} is not the dashboard `make render` generates"
    return None


def _own_knobs(path: str, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found += [
                f"{path}:{node.lineno} passes {kw.arg}="
                for kw in node.keywords
                if kw.arg and any(word in kw.arg for word in _OWN_KNOBS)
            ]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
            if any(word in name for word in _OWN_KNOBS):
                found.append(f"{path}:{node.lineno} defines {name}")
    modules = imported_modules(tree)
    found += [f"{path}:{line} imports {m}" for m, line in modules.items() if m in RETRY_LIBRARIES]
    return found


def check_retries_timeouts(sources: ServiceSources) -> str | None:
    found = [item for path, tree in _trees(sources).items() for item in _own_knobs(path, tree)]
    if not found:
        return None
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return f"its own retries or timeouts: {found[0]}{more}"


DEFAULT_CHECKS: dict[str, Callable[[ServiceSources], str | None]] = {
    "runtime": check_runtime,
    "sli-kinds": check_sli_kinds,
    "dashboard": check_dashboard,
    "retries-timeouts": check_retries_timeouts,
}
