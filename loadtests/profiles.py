"""`make loadtest --profile DIR`: where each Python part of the shop spends its CPU under load.

py-spy (PyPI) samples every Python part while wrk runs, without pausing it (--nonblocking), and
writes collapsed stacks (one ``frame;frame;...;leaf count`` line per stack) to DIR/<part>.txt,
which flame-graph tools read. The summary lists, per part, the functions with the most samples
on the CPU of their own (self) and under them (total).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

SAMPLES_PER_SECOND = 97  # not a multiple of the event loops' timers


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def python_parts(parts: Mapping[str, int]) -> dict[str, int]:
    """The parts whose session leader runs Python (py-spy profiles only those)."""
    found = {}
    for name, pid in parts.items():
        try:
            program = Path(os.readlink(f"/proc/{pid}/exe")).name
        except OSError:
            continue
        if program.startswith("python"):
            found[name] = pid
    return found


class Profiler:
    """py-spy record on each Python part for ``seconds``; ``wait()`` for the files."""

    def __init__(self, binary: str, parts: Mapping[str, int], out: Path, seconds: int) -> None:
        self._binary, self._parts, self.out, self._seconds = binary, dict(parts), out, seconds
        self._processes: list[asyncio.subprocess.Process] = []

    async def start(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for name, pid in self._parts.items():
            command = [
                self._binary,
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(self._seconds),
                "--rate",
                str(SAMPLES_PER_SECOND),
                "--nonblocking",
                "--format",
                "raw",
                "--output",
                str(self.out / f"{name}.txt"),
            ]
            self._processes.append(
                await asyncio.create_subprocess_exec(
                    *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
                )
            )

    async def wait(self) -> None:
        await asyncio.gather(*(process.wait() for process in self._processes))


@dataclass(frozen=True)
class Hotspots:
    part: str
    samples: int
    own: list[tuple[str, int]]
    total: list[tuple[str, int]]


def hotspots(part: str, lines: Iterable[str], *, top: int = 12) -> Hotspots:
    """The functions with most samples of their own, and most samples at or under them."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in lines:
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        samples += count
        own[frames[-1]] += count
        for frame in set(frames):
            total[frame] += count
    return Hotspots(part, samples, own.most_common(top), total.most_common(top))


def render(found: Hotspots) -> list[str]:
    if not found.samples:
        return [f"{found.part}: no samples"]
    lines = [f"{found.part}: {found.samples} samples"]
    for title, rows in (("own", found.own), ("total", found.total)):
        lines.append(f"  by {title}:")
        lines += [f"    {count * 100 / found.samples:5.1f}%  {frame}" for frame, count in rows]
    return lines


def summarize(out: Path) -> list[str]:
    lines: list[str] = []
    for path in sorted(out.glob("*.txt")):
        with path.open(encoding="utf-8", errors="replace") as stacks:
            lines += render(hotspots(path.stem, stacks))
    return lines
