"""The Markdown of `make loadtest-compare`: before and after side by side, per load and per part.

Reads the JSON that run_loadtest.py --json writes; pure, so it is tested without a shop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Figures = Mapping[str, Any]
LOAD_TITLES = {
    "c32": "32 connections, 20 s",
    "c8": "8 connections, 20 s",
    "paced100": "paced at 100 orders/s, 32 connections, 20 s",
}
IDLE_LOAD = "paced100"  # the run that measures the shop at rest first


@dataclass(frozen=True)
class Side:
    label: str
    rev: str
    commit: str
    up_fresh_seconds: float
    up_warm_seconds: float
    reports: Mapping[str, Figures]


def _num(value: Any, fmt: str = "{:.1f}") -> str:
    return "n/a" if value is None else fmt.format(value)


def _dist(figures: Figures, name: str, quantile: str) -> Any:
    dist = figures.get(name)
    return None if dist is None else dist[quantile]


ROWS: tuple[tuple[str, Callable[[Figures], str]], ...] = (
    ("accepted/s", lambda f: _num(f["accepted_per_second"])),
    ("terminal/s", lambda f: _num(f["terminal_per_second"])),
    ("SHIPPED/s", lambda f: _num(f["shipped_per_second"])),
    ("orders ended (SHIPPED)", lambda f: f"{f['terminal']} ({f['shipped']})"),
    ("orders not ended", lambda f: str(f["unfinished"])),
    ("POST /v1/orders p50 / p99 (ms)", lambda f: _pair(f, "http_ms")),
    ("placed -> SHIPPED p50 / p99 (ms)", lambda f: _pair(f, "to_shipped_ms")),
    ("CPU per order, all parts (ms)", lambda f: _num(f["cpu_ms_per_order"], "{:.2f}")),
    ("RSS at the end, all parts (MiB)", lambda f: _num(f["rss_mib"], "{:.0f}")),
    ("load average before / after", lambda f: " / ".join(f["load_average"])),
    ("other processes' CPU in the window (s)", lambda f: _num(f["other_cpu_seconds"])),
)


def _pair(figures: Figures, name: str) -> str:
    p50, p99 = _dist(figures, name, "p50"), _dist(figures, name, "p99")
    return f"{_num(p50, '{:.0f}')} / {_num(p99, '{:.0f}')}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def load_table(sides: Sequence[Side], load: str) -> list[str]:
    present = [side for side in sides if load in side.reports]
    rows = [[label, *(show(side.reports[load]) for side in present)] for label, show in ROWS]
    return _table(["figure", *(side.label for side in present)], rows)


def parts_table(sides: Sequence[Side], load: str) -> list[str]:
    """CPU ms per order of each part, before and after, with the idle share when measured."""
    present = [side for side in sides if load in side.reports]
    names: list[str] = []
    for side in present:
        for part in side.reports[load]["parts"]:
            if part["name"] not in names:
                names.append(part["name"])
    header = ["part"]
    for side in present:
        header += [f"{side.label} ms/order", f"{side.label} RSS MiB"]
    rows = []
    for name in names:
        row = [name]
        for side in present:
            part = next((p for p in side.reports[load]["parts"] if p["name"] == name), None)
            row += (
                ["-", "-"]
                if part is None
                else [
                    _num(part["ms_per_order"], "{:.2f}"),
                    _num(part["rss_mib"], "{:.0f}"),
                ]
            )
        rows.append(row)
    total = ["total"]
    for side in present:
        figures = side.reports[load]
        total += [_num(figures["cpu_ms_per_order"], "{:.2f}"), _num(figures["rss_mib"], "{:.0f}")]
    return _table(header, [*rows, total])


def idle_table(sides: Sequence[Side], load: str = IDLE_LOAD) -> list[str]:
    idles = {side.label: side.reports.get(load, {}).get("idle") for side in sides}
    names = sorted({name for idle in idles.values() if idle for name in idle})
    rows = [
        [name, *(_num((idles[s.label] or {}).get(name), "{:.2f}") for s in sides)] for name in names
    ]
    rows.append(["total", *(_num(sum((idles[s.label] or {}).values()), "{:.2f}") for s in sides)])
    return _table(["part (% of a core at rest)", *(side.label for side in sides)], rows)


def render_summary(sides: Sequence[Side], *, bench: str | None, command: str) -> str:
    lines = [f"Command: `{command}`", ""]
    lines += _table(
        ["side", "revision", "commit", "make up, fresh data (s)", "make up, data kept (s)"],
        [
            [s.label, s.rev, s.commit[:12], f"{s.up_fresh_seconds:.1f}", f"{s.up_warm_seconds:.1f}"]
            for s in sides
        ],
    )
    for load, title in LOAD_TITLES.items():
        if not any(load in side.reports for side in sides):
            continue
        lines += ["", f"### {title}", "", *load_table(sides, load), ""]
        lines += parts_table(sides, load)
    lines += ["", "### The shop at rest (30 s before the paced run)", ""]
    lines += idle_table(sides)
    if bench is not None:
        lines += ["", "### make bench (after)", "", "```", bench.rstrip(), "```"]
    return "\n".join(lines) + "\n"
