"""The `make chaos` section of loadtests/RESULTS.md: rounds passed out of rounds run, per fault."""

from __future__ import annotations

import re
import shlex
import textwrap
from datetime import UTC, datetime
from pathlib import Path

HEADING = "## make chaos"


def section(*, argv: list[str], summary: list[str], minutes: float, load: float) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = shlex.join(["python", "-m", "chaos_harness", *argv])
    text = (
        f"Latest run: `{command}` (what `make chaos` runs; {when}, {minutes:.0f} min, load"
        f" average {load:.1f} on the 2-core machine). Each round places orders from 8 outside"
        " workers, injects its fault at a quarter of them placed, ends it after another half of"
        " attempts, then checks that every accepted order is terminal within 60 s of every part"
        " answering again, that no order was captured twice, that stock is the seed minus what"
        " shipped, and that every consumer group's lag and every outbox backlog is 0."
    )
    body = "\n".join(summary)
    return f"{HEADING}\n\n{textwrap.fill(text, width=100)}\n\n```\n{body}\n```\n"


def write_results(
    path: Path, *, argv: list[str], summary: list[str], minutes: float, load: float
) -> None:
    """Replace the section (or append it) and leave the rest of the file as it was."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    new = section(argv=argv, summary=summary, minutes=minutes, load=load)
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: new + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + new
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
