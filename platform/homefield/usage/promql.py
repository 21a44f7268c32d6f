"""The PromQL of each usage signal and of its growth flag (docs/METRICS.md, "Usage signals").

Three levels, each computed from the one before, so history is backfilled in three passes:
1. `service:usage:avg1h` per signal, from the raw metrics;
2. the week-ago baseline, the week's spread, growth and the team sums, from level 1;
3. the growth flag, from levels 1 and 2.
"""

from __future__ import annotations

from homefield.catalog.usage import Signal
from homefield.runtime.http import OPS_ROUTES
from homefield.slo.rules import number

AVG = "service:usage:avg1h"
BASELINE = "service:usage:baseline1h"
STDDEV = "service:usage:stddev1w"
GROWTH = "service:usage:growth"
GROWING = "service:usage:growing"
TEAM_AVG = "team:usage:avg1h"
TEAM_BASELINE = "team:usage:baseline1h"

# The 1 h averages are recorded every 2 minutes, so they are always within Prometheus's 5 m
# lookback; the growth rules look back three weeks and run every 15 minutes (a 30 m flag needs
# no more), so their results are read with last_over_time over one interval.
SIGNALS_INTERVAL = "2m"
GROWTH_INTERVAL = "15m"
Z_THRESHOLD = 3
GROWTH_THRESHOLD = 0.5  # more than 50 % week over week
BASELINE_WEEKS = (1, 2, 3)
FLAG_FOR = "30m"
CAPACITY_RANGE = "7d"
CAPACITY_HORIZON_SECONDS = 30 * 86_400


def raw_expr(service: str, signal: str) -> str:
    """The signal's 1 h average, from the metrics the runtime exports."""
    sel = f'service="{service}"'
    if signal == "requests":
        names = "grpc_server_handled_total|http_server_requests_total"
        ops = "|".join(OPS_ROUTES)
        return f'sum(rate({{__name__=~"{names}",{sel},route!~"{ops}"}}[1h]))'
    if signal == "events":
        return f'sum(rate(kafka_consumed_messages_total{{{sel},outcome="handled"}}[1h]))'
    if signal == "cpu":
        return f"sum(rate(process_cpu_seconds_total{{{sel}}}[1h]))"
    if signal == "storage":
        return f"max(avg_over_time(store_size_bytes{{{sel}}}[1h]))"
    raise ValueError(f"unknown usage signal {signal!r}")


def series(record: str, service: str, signal: str) -> str:
    return f'{record}{{service="{service}",signal="{signal}"}}'


def baseline_expr(selector: str) -> str:
    """The median of the same hour 1, 2 and 3 weeks back, of whichever weeks have data."""
    weeks = " or ".join(
        f'label_replace({selector} offset {n}w, "weeks_back", "{n}", "", "")'
        for n in BASELINE_WEEKS
    )
    return f"quantile without (weeks_back) (0.5, {weeks})"


def stddev_expr(selector: str, floor: float) -> str:
    """The spread of the hourly 1 h averages over the past week, never below the floor."""
    return f"clamp_min(stddev_over_time({selector}[1w:1h]), {number(floor)})"


def service_selector(record: str, service: str) -> str:
    return f'{record}{{service="{service}"}}'


def growth_expr(service: str) -> str:
    """Growth of every signal of ``service`` against its baseline (0.5 is 50 %)."""
    return f"{service_selector(AVG, service)} / {latest(service_selector(BASELINE, service))} - 1"


def growing_expr(service: str, signal: Signal) -> str:
    """All three: |z| > 3, more than 50 % growth and an absolute change above the floor.

    The value is |z|."""
    # The level before is read with last_over_time: a backfill pass need not evaluate at the
    # very timestamps of the pass before it.
    now = series(AVG, service, signal.name)
    base = latest(series(BASELINE, service, signal.name))
    spread = latest(series(STDDEV, service, signal.name))
    z = f"abs(({now} - {base}) / {spread}) > {Z_THRESHOLD}"
    growth = f"({now} / {base} - 1) > {GROWTH_THRESHOLD}"
    change = f"({now} - {base}) > {number(signal.min_change)}"
    return f"(\n  {z}\nand\n  {growth}\nand\n  {change}\n)"


def capacity_expr(service: str, signal: Signal) -> str:
    """The hourly 1 h averages of the past 7 days, extrapolated 30 days ahead, over the limit."""
    now = series(AVG, service, signal.name)
    return (
        f"predict_linear({now}[{CAPACITY_RANGE}:1h], {CAPACITY_HORIZON_SECONDS})"
        f" > {number(signal.limit or 0)}"
    )


def latest(record: str) -> str:
    """A growth-level recording as of the last growth evaluation."""
    return f"last_over_time({record}[{GROWTH_INTERVAL}])"


def team_baseline_expr() -> str:
    return f"sum by (team, signal) ({latest(BASELINE)})"
