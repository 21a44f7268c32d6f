"""Markdown heading anchors, as GitHub renders them, so runbook links can be checked."""

from __future__ import annotations

import re
from pathlib import Path

_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def slugify(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    found: set[str] = set()
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        match = _HEADING.match(line)
        if match and not in_fence:
            found.add(slugify(match.group(1)))
    return found


def file_anchors(path: Path) -> set[str]:
    return anchors(path.read_text(encoding="utf-8")) if path.exists() else set()
