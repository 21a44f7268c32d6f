"""Generated files that match their render from the head's sources need no approval of their own.

A home team that changes its slo.yaml regenerates deploy/; those files are owned by the root
OWNERS, but asking platform to approve them would let platform veto every SLO. So each changed
generated file is compared with `homefield render` run on the head's catalog sources (YAML and
Markdown, written out from the head's blobs: nothing of the change is imported or run, and no
.gitattributes can hide a source). A file that matches needs only the approvals its sources need;
one that does not match is a hand edit and needs its owners like any other path.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from homefield.catalog import CatalogError
from homefield.checks.context import Context
from homefield.render import is_generated


def _is_source(path: str) -> bool:
    parts = path.split("/")
    if len(parts) == 1:
        return path in ("teams.yaml", "OWNERS")
    if parts[0] != "services":
        return False
    return len(parts) == 3 or (len(parts) == 5 and parts[2] == "src" and parts[4] == "bootstrap.py")


def matching(ctx: Context) -> set[str]:
    """Changed generated paths whose head content is exactly what the head's sources render."""
    changed = [p for p in dict.fromkeys(ctx.paths) if is_generated(p)]
    if not changed:
        return set()
    rendered = _render_head(ctx)
    if rendered is None:
        return set()
    head = ctx.read("head", changed)
    return {p for p in changed if head[p] == rendered.get(p) and _regular_or_absent(ctx, p)}


def _regular_or_absent(ctx: Context, path: str) -> bool:
    entry = ctx.head_tree.get(path)
    return entry is None or entry.is_file


def _render_head(ctx: Context) -> dict[str, str] | None:
    """The generated tree rendered from the head's sources; None when they do not render."""
    with tempfile.TemporaryDirectory(prefix="homefield-render-") as tmp:
        ctx.export("head", _is_source, Path(tmp))
        return _render(Path(tmp))


def _render(root: Path) -> dict[str, str] | None:
    from homefield.catalog import Catalog  # the renderers load only when a generated file changed
    from homefield.render.tree import render_tree

    try:
        return render_tree(Catalog.load(root))
    except (CatalogError, OSError, ValueError):
        return None
