"""Synthetic usage series: the raw metrics behind each signal, shaped over weeks.

The promtool tests (steady, seasonal, a real surge, a planned surge, a ramp to the limit) and
`homefield usage --seed-history` build their series here, from a factor per step applied to a
signal's base level, so both feed the rules exactly the metrics the runtime exports.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from homefield.catalog import ServiceEntry

# One sample every 15 minutes: four to a 1 h rate, and the growth rules' own interval. Debian's
# promtool reads a whole OpenMetrics file once per two-hour block when seeding, and promtool's
# rule tests cost one evaluation of every rule per step, so no finer step is worth its cost.
STEP_SECONDS = 900
STEPS_PER_DAY = 86_400 // STEP_SECONDS
BASE_LEVEL = {"requests": 20.0, "events": 20.0, "cpu": 0.2, "storage": 64.0 * 2**20}
SURGE_FACTOR = 3.0


@dataclass(frozen=True)
class RawSeries:
    """One raw metric series: its name, labels, and whether it is a counter."""

    metric: str
    labels: dict[str, str]
    counter: bool

    @property
    def selector(self) -> str:
        pairs = ",".join(f'{key}="{value}"' for key, value in self.labels.items())
        return f"{self.metric}{{{pairs}}}"


def raw_series(entry: ServiceEntry, signal: str) -> RawSeries:
    """The series the runtime would export for ``signal`` of ``entry``."""
    service = {"service": entry.name}
    if signal == "requests" and entry.spec.grpc is not None:
        labels = {"grpc_service": entry.spec.grpc.provides[0], "grpc_method": "Synthetic"}
        return RawSeries(
            "grpc_server_handled_total", {**service, **labels, "grpc_code": "OK"}, True
        )
    if signal == "requests":
        labels = {"method": "GET", "route": "/v1/synthetic", "status_code": "200"}
        return RawSeries("http_server_requests_total", {**service, **labels}, True)
    if signal == "events":
        topic = entry.spec.consumes[0] if entry.spec.consumes else "none"
        labels = {"topic": topic, "handler": "synthetic", "outcome": "handled"}
        return RawSeries("kafka_consumed_messages_total", {**service, **labels}, True)
    if signal == "cpu":
        return RawSeries("process_cpu_seconds_total", service, True)
    return RawSeries("store_size_bytes", service, False)


Shape = list[float]  # a factor of the base level per step


def steady(days: int) -> Shape:
    return [1.0] * (days * STEPS_PER_DAY)


def seasonal(days: int) -> Shape:
    """Half the base level through each night, one and a half times through each day."""
    half = STEPS_PER_DAY // 2
    return ([0.5] * half + [1.5] * half) * days


def wavy(days: int, seed: int) -> Shape:
    """A daily sine with a little noise: what a real week looks like (for the seeded demo)."""
    rng = random.Random(seed)
    return [
        1 + 0.4 * math.sin(2 * math.pi * step / STEPS_PER_DAY) + rng.uniform(-0.05, 0.05)
        for step in range(days * STEPS_PER_DAY)
    ]


def surge(shape: Shape, *, steps: int, factor: float = SURGE_FACTOR, ending: int = 0) -> Shape:
    """``shape`` with ``steps`` steps multiplied by ``factor``, ending ``ending`` steps early."""
    out = list(shape)
    end = len(out) - ending
    for index in range(max(0, end - steps), end):
        out[index] *= factor
    return out


def ramp(days: int, start: float, end: float) -> Shape:
    """A straight climb from ``start`` to ``end`` times the base level."""
    total = days * STEPS_PER_DAY
    return [start + (end - start) * step / (total - 1) for step in range(total)]


def values(shape: Shape, level: float, *, counter: bool) -> list[float]:
    """Sample values, one per step from t=0: a counter accumulates, a gauge is the level."""
    if not counter:
        return [round(level * factor, 3) for factor in shape]
    out, total = [0.0], 0.0
    for factor in shape[:-1]:
        total += level * factor * STEP_SECONDS
        out.append(round(total, 3))
    return out


def promtool_values(samples: list[float]) -> str:
    """``samples`` in promtool's expanding notation (``a+bxn`` runs of equal steps)."""
    segments: list[str] = []
    index = 0
    while index < len(samples):
        start = samples[index]
        run = 0
        if index + 1 < len(samples):
            step = round(samples[index + 1] - start, 3)
            while index + run + 1 < len(samples) and math.isclose(
                samples[index + run + 1] - samples[index + run], step, abs_tol=1e-3
            ):
                run += 1
        else:
            step = 0.0
        sign = "+" if step >= 0 else "-"
        segments.append(f"{_num(start)}{sign}{_num(abs(step))}x{run}")
        index += run + 1
    return " ".join(segments)


def _num(value: float) -> str:
    rounded = round(value, 3)
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)
