"""`homefield logs`: show or follow the logs under .run/logs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from homefield.local.logtail import tail


def log_files(log_dir: Path, part: str | None) -> list[Path]:
    """The log files to show: every part's, or only ``part``'s."""
    if part is not None:
        path = log_dir / f"{part}.log"
        return [path] if path.is_file() else []
    return sorted(log_dir.glob("*.log"))


def show(files: list[Path], lines: int, echo: Callable[[str], None]) -> None:
    for path in files:
        echo(f"==> {path.stem} <==")
        text = tail(path, lines)
        if text:
            echo(text)


def follow(files: list[Path], echo: Callable[[str], None], poll: float = 0.5) -> None:
    """Print lines appended to ``files``, each prefixed by its part, until interrupted."""
    offsets = {path: path.stat().st_size for path in files}
    width = max((len(path.stem) for path in files), default=0)
    while True:
        for path in files:
            offsets[path] = _print_new(path, offsets[path], f"{path.stem:<{width}} | ", echo)
        time.sleep(poll)


def _print_new(path: Path, offset: int, prefix: str, echo: Callable[[str], None]) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size < offset:
        offset = 0
    if size == offset:
        return offset
    with path.open("rb") as handle:
        handle.seek(offset)
        data = handle.read()
    complete = data.rfind(b"\n") + 1
    for line in data[:complete].decode("utf-8", errors="replace").splitlines():
        echo(prefix + line)
    return offset + complete
