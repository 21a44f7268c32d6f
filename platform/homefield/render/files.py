"""Writing the generated tree, and the drift check: which files would change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from homefield.render import GENERATED_DIRS, GENERATED_FILES


@dataclass(frozen=True)
class Drift:
    """Files that rendering would add or rewrite, and generated files it would delete."""

    changed: list[str]
    stale: list[str]

    @property
    def clean(self) -> bool:
        return not self.changed and not self.stale


def _existing(out: Path) -> set[str]:
    found = {name for name in GENERATED_FILES if (out / name).is_file()}
    for directory in GENERATED_DIRS:
        found.update(
            path.relative_to(out).as_posix()
            for path in (out / directory).rglob("*")
            if path.is_file()
        )
    return found


def _differs(path: Path, text: str) -> bool:
    return not path.is_file() or path.read_bytes() != text.encode("utf-8")


def drift(out: Path, tree: dict[str, str]) -> Drift:
    """Compare ``tree`` with the files under ``out``."""
    changed = [name for name, text in tree.items() if _differs(out / name, text)]
    stale = sorted(_existing(out) - set(tree))
    return Drift(changed=changed, stale=stale)


def write_tree(out: Path, tree: dict[str, str]) -> Drift:
    """Write what differs and delete stale generated files; return what was touched."""
    found = drift(out, tree)
    for name in found.changed:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(tree[name].encode("utf-8"))
    for name in found.stale:
        (out / name).unlink()
    return found
