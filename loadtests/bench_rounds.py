"""Paired rounds for benchmarks on a shared, noisy machine.

Each round measures the baseline and the candidate back to back, alternating which goes first,
so drift in the machine's load hits both. A comparison reports the median of each side and the
median of the per-round ratios (candidate / baseline).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer

Measure = Callable[[], Awaitable[float]]


@dataclass(frozen=True)
class Comparison:
    name: str
    unit: str
    baseline_name: str
    baseline: list[float]
    candidate: list[float]
    target: float

    @property
    def ratios(self) -> list[float]:
        return [c / b for b, c in zip(self.baseline, self.candidate, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

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
) -> tuple[list[float], list[float]]:
    """Run ``rounds`` pairs, baseline first in even rounds and candidate first in odd ones."""
    base: list[float] = []
    cand: list[float] = []
    for index in range(rounds):
        order = [("baseline", baseline), ("platform", candidate)]
        if index % 2:
            order.reverse()
        for side, measure in order:
            value = await measure()
            (base if side == "baseline" else cand).append(value)
            progress(f"  {name} round {index + 1}/{rounds} {side:<8} {value:10.0f} {unit}")
    return base, cand


def render_table(comparisons: list[Comparison]) -> list[str]:
    header = (
        f"{'benchmark':<16} {'baseline':<22} {'baseline/s':>11} {'platform/s':>11} "
        f"{'ratio':>6} {'rounds (ratio)':<26} {'target':>7}  met"
    )
    lines = [header, "-" * len(header)]
    for c in comparisons:
        spread = f"{min(c.ratios):.2f}-{max(c.ratios):.2f} over {len(c.ratios)}"
        lines.append(
            f"{c.name:<16} {c.baseline_name:<22} {statistics.median(c.baseline):11.0f} "
            f"{statistics.median(c.candidate):11.0f} {c.ratio:6.2f} {spread:<26} "
            f"{c.target:6.2f}x  {'yes' if c.met else 'NO'}"
        )
    return lines


async def rotated_rounds(
    *, name: str, rounds: int, measures: dict[str, Measure], unit: str
) -> dict[str, list[float]]:
    """Measure every variant once per round, starting each round one variant further on."""
    values: dict[str, list[float]] = {label: [] for label in measures}
    labels = list(measures)
    for index in range(rounds):
        shift = index % len(labels)
        for label in labels[shift:] + labels[:shift]:
            value = await measures[label]()
            values[label].append(value)
            progress(f"  {name} round {index + 1}/{rounds} {label:<24} {value:10.0f} {unit}")
    return values


def render_breakdown(values: dict[str, list[float]], baseline: str) -> list[str]:
    """Median rate per variant and its median per-round ratio to ``baseline``."""
    lines = [f"{'variant':<26} {'median/s':>9} {'ratio to ' + baseline:>16}"]
    for label, series in values.items():
        ratios = [v / b for v, b in zip(series, values[baseline], strict=True)]
        lines.append(
            f"{label:<26} {statistics.median(series):9.0f} {statistics.median(ratios):16.2f}"
        )
    return lines
