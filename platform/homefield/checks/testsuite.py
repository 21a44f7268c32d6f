"""What counts as test code, and what counts as changing or removing it.

A test is a module pytest collects (``test_*.py`` or ``*_test.py``) under a tests directory. It
can be removed without a "D" in the diff: renamed out of the tests, moved to docs/, replaced by
a symlink or a gitlink, or emptied of its tests. And a change to tests can be noise: a mode
change, a text file, whitespace or comments, a gitlink. Both are judged on the syntax trees.
"""

from __future__ import annotations

import ast
import posixpath
import re

from homefield.checks.context import Context
from homefield.checks.python_source import parse_or_none
from homefield.ownership import Change

_TEST_ROOT = re.compile(r"^(tests|platform/tests|loadtests/tests|services/[^/]+/tests)/")


def is_test_module(path: str) -> bool:
    name = posixpath.basename(path)
    collected = name.startswith("test_") or name.endswith("_test.py")
    return bool(_TEST_ROOT.match(path)) and collected and name.endswith(".py")


def test_count(tree: ast.Module | None) -> int:
    """Test functions at module level and in Test* classes."""
    if tree is None:
        return 0
    count = 0
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            count += 1
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            count += sum(
                isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name.startswith("test")
                for item in node.body
            )
    return count


def removed_tests(ctx: Context) -> list[str]:
    """Why each test module at base is gone at head, however the change disguises it."""
    candidates = [c for c in ctx.changes if c.status != "A" and is_test_module(_old(c))]
    emptied = [c for c in candidates if c.status in ("M", "R", "C") and _regular(c.new_mode)]
    base = ctx.read("base", [_old(c) for c in emptied])
    head = ctx.read("head", [c.path for c in emptied])
    reasons: list[str] = []
    for change in candidates:
        old = _old(change)
        if change.status == "D":
            reasons.append(f"{old} deleted")
        elif change.status == "R" and not is_test_module(change.path):
            reasons.append(f"{old} renamed to {change.path}, where pytest does not run it")
        elif not _regular(change.new_mode):
            reasons.append(f"{old} replaced by a {_kind(change.new_mode)}")
        elif change in emptied:
            before = test_count(parse_or_none(base[old]))
            if before and not test_count(parse_or_none(head[change.path])):
                reasons.append(f"{old} emptied: its {before} tests are gone")
    return reasons


def real_test_changes(ctx: Context, paths: list[str]) -> list[str]:
    """The test modules among ``paths`` whose code changed (not only whitespace or comments)."""
    wanted = set(paths)
    changes = [c for c in ctx.changes if c.path in wanted and c.status != "D"]
    changes = [c for c in changes if is_test_module(c.path) and _regular(c.new_mode)]
    changes = [c for c in changes if c.content_changed]
    head = ctx.read("head", [c.path for c in changes])
    base = ctx.read("base", [_old(c) for c in changes if c.status != "A"])
    real: list[str] = []
    for change in changes:
        after = parse_or_none(head[change.path])
        if not test_count(after):
            continue
        before = parse_or_none(base.get(_old(change)))
        if before is None or ast.dump(before) != ast.dump(after):  # type: ignore[arg-type]
            real.append(change.path)
    return real


def _old(change: Change) -> str:
    return change.old_path or change.path


def _regular(mode: str) -> bool:
    return mode.startswith("100")


def _kind(mode: str) -> str:
    return {"120000": "symlink", "160000": "gitlink (submodule)"}.get(mode, f"mode {mode} entry")
