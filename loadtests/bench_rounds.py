"""Paired rounds for benchmarks on a shared, noisy machine.

Each round measures the baseline and the candidate back to back, alternating which goes first,
so drift in the machine's load hits both. A comparison reports the median of each side and the
median of the per-round ratios (candidate / baseline), by wall-clock time and by the CPU time
of this process (which other processes on the machine disturb much less).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer


@dataclass(frozen=True)
class Stamp:
    wall: float
    cpu: float

    @classmethod
    def now(cls) -> Stamp:
        return cls(time.perf_counter(), time.process_time())


@dataclass(frozen=True)
class Sample:
    rate: float
    cpu_rate: float

    @classmethod
    def between(cls, units: int, start: Stamp, end: Stamp) -> Sample:
        cpu = max(end.cpu - start.cpu, 1e-9)
        return cls(units / (end.wall - start.wall), units / cpu)

    def describe(self, unit: str) -> str:
        return f"{self.rate:10.0f} {unit} ({self.cpu_rate:.0f} per CPU second)"


Measure = Callable[[], Awaitable[Sample]]


def paired_ratios(baseline: list[Sample], candidate: list[Sample], *, cpu: bool) -> list[float]:
    pairs = zip(baseline, candidate, strict=True)
    if cpu:
        return [c.cpu_rate / b.cpu_rate for b, c in pairs]
    return [c.rate / b.rate for b, c in pairs]


@dataclass(frozen=True)
class Comparison:
    name: str
    unit: str
    baseline_name: str
    baseline: list[Sample]
    candidate: list[Sample]
    target: float

    @property
    def ratios(self) -> list[float]:
        return paired_ratios(self.baseline, self.candidate, cpu=False)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def cpu_ratio(self) -> float:
        return statistics.median(paired_ratios(self.baseline, self.candidate, cpu=True))

    @property
    def met(self) -> bool:
        return self.ratio >= self.target


class Profiles:
    """cProfile of the timed sections only, one profile per label, when enabled."""

    def __init__(self, enabled: bool = False) -> None:
        self.enabled = enabled
        self.profiles: dict[str, cProfile.Profile] = {}

    @contextmanager
    def section(self, label: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        profile = self.profiles.setdefault(label, cProfile.Profile())
        profile.enable()
        try:
            yield
        finally:
            profile.disable()

    def report(self, limit: int = 30) -> list[str]:
        lines: list[str] = []
        for label, profile in self.profiles.items():
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(order).print_stats(limit)
                lines += [f"### profile: {label}, by {order}", out.getvalue()]
        return lines


def progress(message: str) -> None:
    typer.echo(message, err=True)


async def paired_rounds(
    *, name: str, rounds: int, baseline: Measure, candidate: Measure, unit: str
) -> tuple[list[Sample], list[Sample]]:
    """Run ``rounds`` pairs, baseline first in even rounds and candidate first in odd ones."""
    base: list[Sample] = []
    cand: list[Sample] = []
    for index in range(rounds):
        order = [("baseline", baseline), ("platform", candidate)]
        if index % 2:
            order.reverse()
        for side, measure in order:
            value = await measure()
            (base if side == "baseline" else cand).append(value)
            progress(f"  {name} round {index + 1}/{rounds} {side:<8} {value.describe(unit)}")
    return base, cand


def render_table(comparisons: list[Comparison]) -> list[str]:
    header = (
        f"{'benchmark':<15} {'baseline':<19} {'baseline/s':>10} {'platform/s':>10} "
        f"{'ratio':>5} {'ratio range (rounds)':<21} {'CPU ratio':>9} {'target':>6}  met"
    )
    lines = [header, "-" * len(header)]
    for c in comparisons:
        spread = f"{min(c.ratios):.2f}-{max(c.ratios):.2f} ({len(c.ratios)})"
        lines.append(
            f"{c.name:<15} {c.baseline_name:<19} "
            f"{statistics.median(s.rate for s in c.baseline):10.0f} "
            f"{statistics.median(s.rate for s in c.candidate):10.0f} {c.ratio:5.2f} "
            f"{spread:<21} {c.cpu_ratio:9.2f} {c.target:5.2f}x  {'yes' if c.met else 'NO'}"
        )
    return lines


async def rotated_rounds(
    *, name: str, rounds: int, measures: dict[str, Measure], unit: str
) -> dict[str, list[Sample]]:
    """Measure every variant once per round, starting each round one variant further on."""
    values: dict[str, list[Sample]] = {label: [] for label in measures}
    labels = list(measures)
    for index in range(rounds):
        shift = index % len(labels)
        for label in labels[shift:] + labels[:shift]:
            value = await measures[label]()
            values[label].append(value)
            progress(f"  {name} round {index + 1}/{rounds} {label:<24} {value.describe(unit)}")
    return values


def render_breakdown(values: dict[str, list[Sample]], baseline: str) -> list[str]:
    """Median rate per variant and its median per-round ratios to ``baseline``."""
    lines = [f"{'variant':<26} {'median/s':>9} {'ratio':>6} {'CPU ratio':>9}"]
    for label, series in values.items():
        wall = paired_ratios(values[baseline], series, cpu=False)
        cpu = paired_ratios(values[baseline], series, cpu=True)
        lines.append(
            f"{label:<26} {statistics.median(s.rate for s in series):9.0f} "
            f"{statistics.median(wall):6.2f} {statistics.median(cpu):9.2f}"
        )
    return lines
