"""The figures of one `make loadtest` run, and how they are printed and saved.

Pure functions over what the run collected (wrk's records, the orders topic, /proc samples), so
every figure is unit-tested without a shop. Nothing here judges a figure against a target.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from proc_usage import PartCost

MIB = 1024 * 1024


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Distribution:
    count: int
    p50: float
    p90: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Distribution | None:
        if not values:
            return None
        return cls(
            len(values),
            percentile(values, 50),
            percentile(values, 90),
            percentile(values, 99),
            max(values),
        )

    def describe(self) -> str:
        return (
            f"p50 {self.p50:.0f} ms, p90 {self.p90:.0f} ms, p99 {self.p99:.0f} ms, "
            f"max {self.max:.0f} ms ({self.count})"
        )


@dataclass(frozen=True)
class PartRow:
    name: str
    cpu_seconds: float
    ms_per_order: float | None
    core_percent: float
    rss_mib: float
    restarted: bool


@dataclass(frozen=True)
class Report:
    command: str
    started_at: str
    plan: str
    load_average: tuple[str, str]  # /proc/loadavg's 1-minute figure before and after
    # HTTP, as wrk saw it
    responses: int
    accepted: int
    refused: dict[str, int]  # status -> count
    socket_errors: int
    exhausted_threads: int
    load_seconds: float
    http_ms: Distribution | None
    # the orders, from the topic
    placed: int
    terminal: int
    shipped: int
    cancelled: dict[str, int]  # reason -> count
    unfinished: int
    saga_seconds: float | None
    to_terminal_ms: Distribution | None
    to_shipped_ms: Distribution | None
    # CPU and memory, from /proc
    window_seconds: float
    parts: list[PartRow]
    other_cpu_seconds: float  # everything else on the machine, load client excluded
    client_cpu_seconds: float  # wrk and this harness, left out of every per-order figure
    idle: dict[str, float] | None  # part -> % of a core while idle, when measured

    @property
    def accepted_per_second(self) -> float:
        return self.accepted / self.load_seconds if self.load_seconds else 0.0

    @property
    def terminal_per_second(self) -> float | None:
        return self.terminal / self.saga_seconds if self.saga_seconds else None

    @property
    def shipped_per_second(self) -> float | None:
        return self.shipped / self.saga_seconds if self.saga_seconds else None

    @property
    def cpu_ms_per_order(self) -> float | None:
        total = sum(part.cpu_seconds for part in self.parts)
        return total * 1000 / self.terminal if self.terminal else None

    @property
    def rss_mib(self) -> float:
        return sum(part.rss_mib for part in self.parts)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("accepted_per_second", "terminal_per_second", "shipped_per_second"):
            data[name] = getattr(self, name)
        data["cpu_ms_per_order"] = self.cpu_ms_per_order
        data["rss_mib"] = self.rss_mib
        return data


def part_rows(costs: Sequence[PartCost], *, orders: int, window_seconds: float) -> list[PartRow]:
    return [
        PartRow(
            name=cost.name,
            cpu_seconds=cost.cpu_seconds,
            ms_per_order=cost.cpu_seconds * 1000 / orders if orders else None,
            core_percent=cost.cpu_seconds * 100 / window_seconds if window_seconds else 0.0,
            rss_mib=cost.rss_bytes / MIB,
            restarted=cost.restarted,
        )
        for cost in costs
    ]


def idle_percent(costs: Sequence[PartCost], seconds: float) -> dict[str, float]:
    """Each part's CPU over an idle window, as a percentage of one core."""
    return {cost.name: cost.cpu_seconds * 100 / seconds for cost in costs}


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}/s"


def _dist(value: Distribution | None) -> str:
    return "n/a" if value is None else value.describe()


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items())) or "none"


def render(report: Report) -> list[str]:
    lines = [
        f"run:       {report.plan}; started {report.started_at}; load average "
        f"{report.load_average[0]} before, {report.load_average[1]} after",
        f"HTTP:      {report.responses} responses in {report.load_seconds:.1f} s: "
        f"{report.accepted} accepted (202), other statuses: {_counts(report.refused)}, "
        f"socket errors {report.socket_errors}",
        f"           accepted/s {report.accepted_per_second:.1f}",
        f"           POST /v1/orders {_dist(report.http_ms)}",
        f"orders:    placed {report.placed}, terminal {report.terminal} (SHIPPED "
        f"{report.shipped}, CANCELLED {_counts(report.cancelled)}), not ended {report.unfinished}",
        f"           terminal/s {_rate(report.terminal_per_second)}, SHIPPED/s "
        f"{_rate(report.shipped_per_second)} (first placed to last ended: "
        f"{report.saga_seconds or 0:.1f} s)",
        f"           placed -> terminal {_dist(report.to_terminal_ms)}",
        f"           placed -> SHIPPED  {_dist(report.to_shipped_ms)}",
    ]
    if report.exhausted_threads:
        lines.append(
            f"warning:   {report.exhausted_threads} connections ran out of stock and stopped "
            "ordering: raise the stock (INVENTORY_SEED_STOCK_SCALE) for a full run"
        )
    lines += ["", *render_parts(report), ""]
    lines.append(
        f"outside the shop during the {report.window_seconds:.1f} s window: load client "
        f"{report.client_cpu_seconds:.1f} CPU-s (not counted), other processes "
        f"{report.other_cpu_seconds:.1f} CPU-s"
    )
    return lines


def render_parts(report: Report) -> list[str]:
    idle = report.idle
    header = f"{'part':<15}{'CPU s':>8}{'ms/order':>10}{'% core':>8}{'RSS MiB':>9}"
    header += f"{'idle % core':>13}" if idle is not None else ""
    lines = [header, "-" * len(header)]
    for part in report.parts:
        per_order = "n/a" if part.ms_per_order is None else f"{part.ms_per_order:.2f}"
        line = (
            f"{part.name:<15}{part.cpu_seconds:>8.2f}{per_order:>10}"
            f"{part.core_percent:>8.1f}{part.rss_mib:>9.0f}"
        )
        if idle is not None:
            line += f"{idle.get(part.name, 0.0):>13.2f}"
        lines.append(line + ("  (restarted during the run)" if part.restarted else ""))
    total_cpu = sum(part.cpu_seconds for part in report.parts)
    per_order = report.cpu_ms_per_order
    total = (
        f"{'total':<15}{total_cpu:>8.2f}{'n/a' if per_order is None else f'{per_order:.2f}':>10}"
        f"{total_cpu * 100 / report.window_seconds if report.window_seconds else 0:>8.1f}"
        f"{report.rss_mib:>9.0f}"
    )
    if idle is not None:
        total += f"{sum(idle.values()):>13.2f}"
    return [*lines, "-" * len(header), total]
