"""`promtool test rules` for the usage rules: deploy/prometheus/tests/usage.test.yml.

promtool evaluates every loaded rule at every step of a test, so the cases share their
evaluations: in one eight-day case (a week of history and a day) every service plays one
scenario on synthetic series of the metrics the runtime exports. A service with a planned mark
surges and only its unplanned signals are flagged (the planned ones are still seen as
growing); a service with a limit climbs toward it and gets a capacity ticket and no growth
flag; the others take turns at steady traffic and a daily cycle (nothing flagged) and a real
surge (every signal flagged). A second case runs three weeks and a day of a daily cycle with
an outage one week before the end at the same hours: the median of the three weeks outvotes
the outage, so nothing is flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homefield.catalog import Catalog, ServiceEntry
from homefield.catalog.usage import Signal
from homefield.slo.runbooks import runbook_url
from homefield.usage import promql, synthetic
from homefield.usage.rules import (
    CAPACITY_ALERT,
    GROWTH_ALERT,
    RUNBOOK_ANCHOR,
    capacity_summary,
    growth_summary,
    silence_until,
    usage_labels,
)
from homefield.usage.synthetic import STEP_SECONDS, STEPS_PER_DAY, Shape

DAYS = 8
LONG_DAYS = 22
SURGE_STEPS = 3 * 3600 // STEP_SECONDS


def _end(days: int) -> str:
    return f"{days * 24 - 1}h"


def _inputs(entry: ServiceEntry, shapes: dict[str, Shape]) -> list[dict[str, str]]:
    found = []
    for signal in entry.spec.signals:
        raw = synthetic.raw_series(entry, signal.name)
        level = synthetic.BASE_LEVEL[signal.name]
        samples = synthetic.values(shapes[signal.name], level, counter=raw.counter)
        found.append({"series": raw.selector, "values": synthetic.promtool_values(samples)})
    return found


def _expected(entry: ServiceEntry, signal: Signal, alert: str) -> dict[str, Any]:
    summary = growth_summary(entry, signal.name)
    if alert == CAPACITY_ALERT:
        summary = capacity_summary(entry, signal)
    return {
        "exp_labels": {**usage_labels(entry, signal.name), "severity": "ticket"},
        "exp_annotations": {
            "summary": summary,
            "runbook_url": runbook_url(entry.name, f"RUNBOOK.md#{RUNBOOK_ANCHOR}"),
        },
    }


def _all(entry: ServiceEntry, shape: Shape) -> dict[str, Shape]:
    return {signal.name: shape for signal in entry.spec.signals}


class _Scenario:
    """What one service is fed in the shared case, and which tickets it must open."""

    def __init__(self, entry: ServiceEntry, title: str, shapes: dict[str, Shape]) -> None:
        self.entry, self.title, self.shapes = entry, title, shapes
        self.growth: list[Signal] = []
        self.capacity: list[Signal] = []
        self.seen: list[Signal] = []


def _surged() -> Shape:
    return synthetic.surge(synthetic.seasonal(DAYS), steps=SURGE_STEPS)


def _planned(entry: ServiceEntry) -> _Scenario:
    scenario = _Scenario(entry, "a surge, partly planned", _all(entry, _surged()))
    for signal in entry.spec.signals:
        planned = silence_until(entry, signal.name) is not None
        (scenario.seen if planned else scenario.growth).append(signal)
    return scenario


def _climbing(entry: ServiceEntry) -> _Scenario:
    scenario = _Scenario(entry, "a climb toward the limit", _all(entry, synthetic.steady(DAYS)))
    for signal in entry.spec.signals:
        if signal.limit is None:
            continue
        level = synthetic.BASE_LEVEL[signal.name]
        # From 80 % to 90 % of the limit in eight days: 30 more days at that slope pass the
        # limit, while growth over the week stays far under 50 % (no growth flag).
        start, end = 0.8 * signal.limit / level, 0.9 * signal.limit / level
        scenario.shapes[signal.name] = synthetic.ramp(DAYS, start, end)
        scenario.capacity.append(signal)
    return scenario


def _steady(entry: ServiceEntry) -> _Scenario:
    return _Scenario(entry, "steady traffic", _all(entry, synthetic.steady(DAYS)))


def _cycle(entry: ServiceEntry) -> _Scenario:
    return _Scenario(entry, "a daily cycle", _all(entry, synthetic.seasonal(DAYS)))


def _real_surge(entry: ServiceEntry) -> _Scenario:
    scenario = _Scenario(entry, "a real surge", _all(entry, _surged()))
    scenario.growth = list(entry.spec.signals)
    return scenario


_TURNS: tuple[Callable[[ServiceEntry], _Scenario], ...] = (_real_surge, _steady, _cycle)


def scenarios(catalog: Catalog) -> list[_Scenario]:
    """One scenario per service: planned marks and limits first, then steady, cycle, surge."""
    found: list[_Scenario] = []
    for entry in catalog.services.values():
        if entry.spec.planned_growth:
            found.append(_planned(entry))
        elif any(signal.limit is not None for signal in entry.spec.signals):
            found.append(_climbing(entry))
        else:
            turn = sum(1 for s in found if not s.capacity and not s.seen)
            found.append(_TURNS[turn % len(_TURNS)](entry))
    return found


def _shared_case(catalog: Catalog) -> dict[str, Any]:
    plays = scenarios(catalog)
    end = _end(DAYS)
    title = "; ".join(f"{s.entry.name}: {s.title}" for s in plays)
    growth = [_expected(s.entry, sig, GROWTH_ALERT) for s in plays for sig in s.growth]
    capacity = [_expected(s.entry, sig, CAPACITY_ALERT) for s in plays for sig in s.capacity]
    seen = [(s.entry, sig) for s in plays for sig in s.seen]
    return {
        "name": f"usage, one scenario per service: {title}",
        "interval": f"{STEP_SECONDS // 60}m",
        "input_series": [item for s in plays for item in _inputs(s.entry, s.shapes)],
        "alert_rule_test": [
            {"eval_time": end, "alertname": GROWTH_ALERT, "exp_alerts": growth},
            {"eval_time": end, "alertname": CAPACITY_ALERT, "exp_alerts": capacity},
        ],
        "promql_expr_test": [
            {
                "expr": f"count({promql.series(promql.GROWING, entry.name, signal.name)})",
                "eval_time": end,
                "exp_samples": [{"labels": "{}", "value": 1}],
            }
            for entry, signal in seen
        ],
    }


def _median_case(entry: ServiceEntry) -> dict[str, Any]:
    week = 7 * STEPS_PER_DAY
    cycle = synthetic.seasonal(LONG_DAYS)
    outage = synthetic.surge(cycle, steps=SURGE_STEPS + 12, factor=0.1, ending=week - 12)
    return {
        "name": f"usage, {entry.name}: a daily cycle and an outage a week ago flag nothing",
        "interval": f"{STEP_SECONDS // 60}m",
        "input_series": _inputs(entry, _all(entry, outage)),
        "alert_rule_test": [
            {"eval_time": _end(LONG_DAYS), "alertname": GROWTH_ALERT, "exp_alerts": []}
        ],
    }


def usage_test_files(catalog: Catalog) -> dict[str, dict[str, Any]]:
    """usage.test.yml (every service, one scenario each) and usage-median.test.yml (the first
    service's rules only, since promtool evaluates every loaded rule over the three weeks)."""
    entries = list(catalog.services.values())
    if not entries:
        return {}
    shared = {
        "rule_files": [f"../rules/{entry.name}.usage.rules.yml" for entry in entries],
        "evaluation_interval": promql.SIGNALS_INTERVAL,
        "tests": [_shared_case(catalog)],
    }
    median = {
        "rule_files": [f"../rules/{entries[0].name}.usage.rules.yml"],
        "evaluation_interval": promql.SIGNALS_INTERVAL,
        "tests": [_median_case(entries[0])],
    }
    return {"usage": shared, "usage-median": median}
