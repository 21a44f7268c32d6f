"""The change's Python as the check reads it: parsed with ``ast``, never imported or run.

Line regexes miss ``import a, b``, imports after ``;``, backslash continuations, keyword
arguments in any order and computed names; a syntax tree has none of those blind spots. Each
rule compares a file's tree at head with the same file at base, so only what the change adds
is judged.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from homefield.checks.context import Context
from homefield.ownership import SYMLINK

METRIC_KINDS = ("Counter", "Gauge", "Histogram", "Summary")
_NOT_METRICS = ("collections", "typing", "typing_extensions")
_DYNAMIC_IMPORTS = ("import_module", "__import__")


class UnparsableSource(Exception):
    """A Python file the check cannot parse; the message says where and why."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"{path} is not valid Python ({reason}): it cannot be checked")


@dataclass(frozen=True)
class PythonChange:
    """A changed .py file: its path at head and its trees at base (None if new) and head."""

    path: str
    base: ast.Module | None
    head: ast.Module


@lru_cache(maxsize=8192)
def _parse(text: str) -> ast.Module | str:
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return type(exc).__name__


def parse_or_none(text: str | None) -> ast.Module | None:
    """The tree of ``text``, or None when it is absent or not valid Python."""
    tree = _parse(text) if text is not None else None
    return tree if isinstance(tree, ast.Module) else None


def parse(text: str, path: str) -> ast.Module:
    tree = _parse(text)
    if isinstance(tree, str):
        raise UnparsableSource(path, tree)
    return tree


def changed_python(ctx: Context) -> Iterator[PythonChange | UnparsableSource]:
    """Every .py file the change adds or edits, parsed at head and (if it existed) at base."""
    wanted = [
        c for c in ctx.changes if c.path.endswith(".py") and c.status != "D" and c.content_changed
    ]
    wanted = [c for c in wanted if c.new_mode.startswith("100")]
    head = ctx.read("head", [c.path for c in wanted])
    base = ctx.read("base", [c.old_path or c.path for c in wanted])
    for change in wanted:
        head_text, base_text = head[change.path], base[change.old_path or change.path]
        if head_text is None:
            continue
        try:
            before = _parse(base_text) if base_text is not None else None
            yield PythonChange(
                change.path,
                before if isinstance(before, ast.Module) else None,
                parse(head_text, change.path),
            )
        except UnparsableSource as exc:
            yield exc


def symlink_targets(ctx: Context) -> dict[str, str | None]:
    """Each symlink the change adds or retargets -> the repository path it points at.

    None when the target is absolute or climbs out of the repository.
    """
    links = [c for c in ctx.changes if c.status != "D" and c.new_mode == SYMLINK]
    blobs = ctx.repo.blobs([c.new_blob for c in links])
    resolved: dict[str, str | None] = {}
    for change in links:
        target = blobs[change.new_blob].decode("utf-8", "replace")
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(change.path), target))
        outside = target.startswith("/") or joined == ".." or joined.startswith("../")
        resolved[change.path] = None if outside else joined
    return resolved


@dataclass(frozen=True)
class _Nodes:
    imports: tuple[ast.Import | ast.ImportFrom, ...]
    calls: tuple[ast.Call, ...]


@lru_cache(maxsize=8192)
def _nodes(tree: ast.Module) -> _Nodes:
    """The import statements and calls of ``tree``, from one walk (every rule reads these)."""
    imports: list[ast.Import | ast.ImportFrom] = []
    calls: list[ast.Call] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
        elif isinstance(node, ast.Call):
            calls.append(node)
    return _Nodes(tuple(imports), tuple(calls))


def imported_modules(tree: ast.Module) -> dict[str, int]:
    """Absolute modules a file imports, statically or by a literal dynamic import -> first line.

    A dynamic import with a computed name appears as "<computed>".
    """
    found: dict[str, int] = {}
    nodes = _nodes(tree)
    for statement in nodes.imports:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                found.setdefault(alias.name, statement.lineno)
        elif statement.level == 0 and statement.module:
            found.setdefault(statement.module, statement.lineno)
    for node in nodes.calls:
        if _callee(node.func) in _DYNAMIC_IMPORTS:
            name = _argument(node, 0, "name")
            literal = isinstance(name, ast.Constant) and isinstance(name.value, str)
            found.setdefault(name.value if literal else "<computed>", node.lineno)  # type: ignore[union-attr]
    return found


@dataclass(frozen=True)
class MetricDefinition:
    """One Counter/Gauge/Histogram/Summary call: its kind and full name, or why it has none."""

    kind: str
    name: str | None
    expression: str
    line: int

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.name if self.name is not None else self.expression


def metric_definitions(tree: ast.Module) -> list[MetricDefinition]:
    """Prometheus metric definitions in ``tree`` (collections.Counter and the like excluded)."""
    foreign = _foreign_names(tree)
    found: list[MetricDefinition] = []
    for node in _nodes(tree).calls:
        kind = _callee(node.func)
        if kind not in METRIC_KINDS or _is_foreign(node.func, foreign):
            continue
        found.append(_definition(kind, node))
    return found


def _definition(kind: str, call: ast.Call) -> MetricDefinition:
    parts = [_argument(call, None, "namespace"), _argument(call, None, "subsystem")]
    parts.append(_argument(call, 0, "name"))
    unit = _argument(call, None, "unit")
    literal = [p for p in [*parts, unit] if p is not None]
    if not parts[2] or not all(_is_text(p) for p in literal):
        shown = ast.dump(parts[2]) if parts[2] is not None else "no name"
        return MetricDefinition(kind, None, shown[:120], call.lineno)
    name = "_".join(str(p.value) for p in parts if isinstance(p, ast.Constant) and p.value)
    suffix = str(unit.value) if isinstance(unit, ast.Constant) else ""
    if suffix and not name.endswith(f"_{suffix}"):
        name += f"_{suffix}"
    return MetricDefinition(kind, name, name, call.lineno)


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _callee(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _argument(call: ast.Call, position: int | None, keyword: str) -> ast.expr | None:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def _foreign_names(tree: ast.Module) -> set[str]:
    """Names bound to the standard library's Counter and friends (collections, typing)."""
    names: set[str] = set()
    for node in _nodes(tree).imports:
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _NOT_METRICS:
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(
                alias.asname or alias.name.split(".")[0]
                for alias in node.names
                if alias.name.split(".")[0] in _NOT_METRICS
            )
    return names


def _is_foreign(func: ast.expr, foreign: set[str]) -> bool:
    if isinstance(func, ast.Name):
        return func.id in foreign
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id in foreign
    return False
