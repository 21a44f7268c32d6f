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


class LogFollower:
    """Remembers where each log ended, and hands out the complete lines appended since."""

    def __init__(self, files: list[Path]) -> None:
        self.offsets = {path: path.stat().st_size if path.exists() else 0 for path in files}
        self.width = max((len(path.stem) for path in files), default=0)

    def new_lines(self) -> list[str]:
        """Lines appended since the last call, each prefixed by its part."""
        lines: list[str] = []
        for path, offset in self.offsets.items():
            prefix = f"{path.stem:<{self.width}} | "
            self.offsets[path], appended = _read_new(path, offset)
            lines += [prefix + line for line in appended]
        return lines


def follow(files: list[Path], echo: Callable[[str], None], poll: float = 0.5) -> None:
    """Print lines appended to ``files``, each prefixed by its part, until interrupted."""
    follower = LogFollower(files)
    while True:
        for line in follower.new_lines():
            echo(line)
        time.sleep(poll)


def _read_new(path: Path, offset: int) -> tuple[int, list[str]]:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0, []
    if size < offset:
        offset = 0
    if size == offset:
        return offset, []
    with path.open("rb") as handle:
        handle.seek(offset)
        data = handle.read()
    complete = data.rfind(b"\n") + 1
    return offset + complete, data[:complete].decode("utf-8", errors="replace").splitlines()
