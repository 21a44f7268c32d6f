"""Generated files that match their render from the head's sources need no approval of their own.

A home team that changes its slo.yaml regenerates deploy/, and a team that changes its proto
regenerates protos/gen; those files are owned by the root OWNERS, but asking platform to approve
them would let platform veto every SLO and every API change. So each changed generated file is
compared with what the base's generators make of the head's sources: `homefield render` on the
catalog (YAML and Markdown) and protoc on the .proto files, both written out from the head's
blobs into a temporary directory. Nothing of the change is imported or run (protoc only reads the
protos), and no .gitattributes can hide a source. A file that matches, byte for byte, needs only
the approvals its sources need; one that does not is a hand edit, or stale, and needs its owners
like any other path. Each generator runs only when one of its files changed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from homefield import protogen, render
from homefield.catalog import CatalogError
from homefield.checks.context import Context

Render = Callable[[Path], dict[str, bytes] | None]


def _is_catalog_source(path: str) -> bool:
    parts = path.split("/")
    if len(parts) == 1:
        return path in ("teams.yaml", "OWNERS")
    if parts[0] != "services":
        return False
    return len(parts) == 3 or (len(parts) == 5 and parts[2] == "src" and parts[4] == "bootstrap.py")


def _render_deploy(root: Path) -> dict[str, bytes] | None:
    from homefield.catalog import Catalog  # the renderers load only when a generated file changed
    from homefield.render.tree import render_tree

    try:
        return {path: text.encode() for path, text in render_tree(Catalog.load(root)).items()}
    except (CatalogError, OSError, ValueError):
        return None


def _is_proto_source(path: str) -> bool:
    return path.startswith(f"{protogen.PROTOS}/") and path.endswith(".proto")


def _render_protos(root: Path) -> dict[str, bytes] | None:
    out = root / protogen.GENERATED
    try:
        files = protogen.render(root / protogen.PROTOS, out)
    except (protogen.ProtoGenError, OSError):
        return None
    return {f"{protogen.GENERATED}/{p.relative_to(out).as_posix()}": p.read_bytes() for p in files}


# Each generator: which paths it writes, which head files it reads, and how it renders them (the
# rendered tree by repository path, or None when the head's sources do not render).
GENERATORS: tuple[tuple[Callable[[str], bool], Callable[[str], bool], Render], ...] = (
    (render.is_generated, _is_catalog_source, _render_deploy),
    (protogen.is_generated, _is_proto_source, _render_protos),
)


def matching(ctx: Context) -> set[str]:
    """Changed generated paths whose head content is exactly what the head's sources render."""
    changed = list(dict.fromkeys(ctx.paths))
    found: set[str] = set()
    for generated, source, make in GENERATORS:
        paths = [p for p in changed if generated(p)]
        if not paths:
            continue
        with tempfile.TemporaryDirectory(prefix="homefield-render-") as tmp:
            ctx.export("head", source, Path(tmp))
            rendered = make(Path(tmp))
        if rendered is not None:
            head = _head_contents(ctx, paths)
            found |= {p for p in paths if head[p] == rendered.get(p)}
    return found


_NOT_A_FILE = b"\0a symlink or gitlink: never what a generator writes"


def _head_contents(ctx: Context, paths: list[str]) -> dict[str, bytes | None]:
    """Each path's bytes at head (None where absent), read in one batch."""
    entries = {p: ctx.head_tree.get(p) for p in paths}
    blobs = ctx.repo.blobs([e.blob for e in entries.values() if e is not None and e.is_file])
    return {
        p: None if e is None else blobs[e.blob] if e.is_file else _NOT_A_FILE
        for p, e in entries.items()
    }
