"""The handler and gRPC method names a service registers in its bootstrap.py, read with ``ast``
without running it, and the slo.yaml names that none of them match.

`homefield check` runs with privileges on changes it must not execute, and `make render` must
not need a service's dependencies, so both read bootstrap.py as text. A service refuses to start
on the same mismatch, from what it really registered (homefield.runtime.registry).
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homefield.catalog.yamlfile import CatalogError, load_yaml

if TYPE_CHECKING:  # the SLO models load when an slo.yaml is compared, not to name a bootstrap
    from homefield.catalog.repo import ServiceEntry
    from homefield.catalog.slo import SloFile


@dataclass(frozen=True)
class Registered:
    """What one bootstrap.py registers."""

    handlers: frozenset[str]
    grpc_methods: frozenset[str]


@dataclass(frozen=True)
class Unregistered:
    """An SLO naming a handler or method that is not registered."""

    index: int  # of the SLO in slo.yaml
    slo: str
    field: str  # "handler" or "method"
    name: str

    def message(self, bootstrap: str, registered: Collection[str]) -> str:
        known = ", ".join(sorted(registered)) or "none"
        what = "handler" if self.field == "handler" else "gRPC method"
        return (
            f"SLO {self.slo}: {what} {self.name!r} is not registered in {bootstrap}"
            f" (registered: {known})"
        )


def bootstrap_path(service: str) -> str:
    """Where a service's composition root lives, relative to the repository root."""
    package = service.replace("-", "_")
    return f"services/{service}/src/{package}/bootstrap.py"


def _literal_strings(node: ast.expr, path: str, what: str) -> list[str]:
    items = node.elts if isinstance(node, ast.List | ast.Tuple) else [node]
    names = [item.value for item in items if isinstance(item, ast.Constant)]
    if len(names) != len(items) or not all(isinstance(name, str) for name in names):
        raise CatalogError(path, node.lineno, f"{what} must be written as string literals")
    return [str(name) for name in names]


def read_registrations(text: str, path: str) -> Registered:
    """The names registered by ``app.handle("name", ...)`` and ``app.add_grpc(...,
    methods=[...])`` calls in bootstrap.py source ``text``; CatalogError where a name is not a
    literal (it could then not be read without running the code)."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise CatalogError(path, exc.lineno, f"not valid Python: {exc.msg}") from None
    handlers: set[str] = set()
    methods: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr == "handle":
            if not node.args:
                raise CatalogError(path, node.lineno, "handle() needs the handler name first")
            handlers.update(_literal_strings(node.args[0], path, "a handler name"))
        elif node.func.attr == "add_grpc":
            listed = [kw.value for kw in node.keywords if kw.arg == "methods"]
            if not listed:
                raise CatalogError(path, node.lineno, "add_grpc() needs methods=[...]")
            methods.update(_literal_strings(listed[0], path, "gRPC method names"))
    return Registered(frozenset(handlers), frozenset(methods))


def unregistered(slos: SloFile, registered: Registered) -> list[Unregistered]:
    """Every event-availability handler and gRPC SLI method that ``registered`` lacks."""
    from homefield.catalog.slo import EventAvailability, GrpcAvailability, GrpcLatency

    found: list[Unregistered] = []
    for index, slo in enumerate(slos.slos):
        sli = slo.sli
        if isinstance(sli, EventAvailability) and sli.handler not in registered.handlers:
            found.append(Unregistered(index, slo.name, "handler", sli.handler))
        if isinstance(sli, GrpcAvailability | GrpcLatency):
            if sli.method not in registered.grpc_methods:
                found.append(Unregistered(index, slo.name, "method", sli.method))
    return found


def known_names(registered: Registered, field: str) -> frozenset[str]:
    return registered.handlers if field == "handler" else registered.grpc_methods


def require_registered(entry: ServiceEntry, registered: Registered) -> None:
    """CatalogError (slo.yaml, line, SLO, name) for the first SLO naming an unregistered name."""
    problems = unregistered(entry.slos, registered)
    if problems:
        first = problems[0]
        message = first.message(bootstrap_path(entry.name), known_names(registered, first.field))
        doc = load_yaml(entry.directory / "slo.yaml")
        raise doc.error(("slos", first.index, "sli", first.field), message)


def read_bootstrap(entry: ServiceEntry) -> Registered:
    """The registrations in the bootstrap.py of a checked-out service."""
    path = entry.directory.parents[1] / bootstrap_path(entry.name)
    if not path.is_file():
        raise CatalogError(path, None, "missing: every service registers its handlers here")
    return read_registrations(path.read_text(encoding="utf-8"), str(path))
