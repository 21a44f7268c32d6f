"""A service's documents as the console shows them: RUNBOOK.md and PRFAQ.md rendered, OWNERS.

Markdown is rendered by markdown-it (CommonMark plus tables) with raw HTML escaped, and every
heading gets the anchor GitHub gives it, so an alert's ``RUNBOOK.md#section`` link lands on
the same section here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from homefield.catalog.markdown import slugify

MAX_DOCUMENT_BYTES = 512 * 1024


def markdown_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    return md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify)


@dataclass(frozen=True)
class Document:
    """One rendered file, or the reason it cannot be shown."""

    path: str
    html: str = ""
    problem: str = ""


def render_document(md: MarkdownIt, root: Path, path: Path) -> Document:
    relative = str(path.relative_to(root))
    if not path.is_file():
        return Document(relative, problem=f"{relative} does not exist")
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        return Document(relative, problem=f"{relative} is larger than {MAX_DOCUMENT_BYTES} bytes")
    return Document(relative, html=md.render(path.read_text(encoding="utf-8", errors="replace")))
