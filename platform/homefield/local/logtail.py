"""The last lines of a log file, for error messages."""

from __future__ import annotations

from pathlib import Path


def tail(path: Path, lines: int = 20) -> str:
    """The last ``lines`` lines of ``path`` (empty when it does not exist)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            text = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
