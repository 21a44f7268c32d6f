"""`promtool test rules` for the usage rules: deploy/prometheus/tests/usage.test.yml.

promtool evaluates every loaded rule group at every evaluation step of a test, whatever the
group's own interval, so the cost is services x steps: the cases are kept to the fewest of
both. The shared case steps every 30 minutes (a flag then holds at two evaluations in a row
before it fires, as the 30 m `for:` asks), the median case every hour, and
one eight-day case (a week of history and a day) loads the rules of only the services that
play a scenario, on synthetic series of the metrics the runtime exports: a service with a
planned mark surges and only its unplanned signals are flagged (the planned ones are still
seen as growing); a service with a limit climbs toward it and gets a capacity ticket and no
growth flag; one service each plays steady traffic and a daily cycle (nothing flagged) and a
real surge (every signal flagged). A second case runs three weeks and a day of a daily cycle
with an outage one week before the end at the same hours, for one service: the median of the
three weeks outvotes the outage, so nothing is flagged.
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
    usage_rule_groups,
)
from homefield.usage.synthetic import STEP_SECONDS, STEPS_PER_DAY, Shape

DAYS = 8
LONG_DAYS = 22
HOUR = 3600 // STEP_SECONDS
SURGE_STEPS = 3 * HOUR


def _end(days: int) -> str:
    return f"{days * 24 - 1}h"


def _inputs(entry: ServiceEntry, shapes: dict[str, Shape]) -> list[dict[str, str]]:
    found = []
    for signal in entry.spec.signals:
        if signal.name not in shapes:
            continue
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
    """Every service with a planned mark or a limit plays it; of the others, one each plays a
    real surge, steady traffic and a daily cycle, and the rest sit the case out."""
    found: list[_Scenario] = []
    turns = list(_TURNS)
    for entry in catalog.services.values():
        if entry.spec.planned_growth:
            found.append(_planned(entry))
        elif any(signal.limit is not None for signal in entry.spec.signals):
            found.append(_climbing(entry))
        elif turns:
            found.append(turns.pop(0)(entry))
    return found


def _shared_case(plays: list[_Scenario]) -> dict[str, Any]:
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
    """One signal is enough: every signal's baseline is the same median rule."""
    week = 7 * STEPS_PER_DAY
    cycle = synthetic.seasonal(LONG_DAYS)
    # Six hours at a tenth of the level, three either side of the same time a week back.
    outage = synthetic.surge(cycle, steps=6 * HOUR, factor=0.1, ending=week - 3 * HOUR)
    signal = entry.spec.signals[0].name
    level = synthetic.BASE_LEVEL[signal]
    now = promql.series(promql.AVG, entry.name, signal)
    baseline = promql.series(promql.BASELINE, entry.name, signal)
    # A week back is the outage, yet the baseline is the level of the two weeks before it.
    outvoted = f"count({baseline} > {level} and on () {now} offset 1w < {level / 2})"
    return {
        "name": f"usage, {entry.name}: a daily cycle and an outage a week ago flag nothing",
        "interval": f"{STEP_SECONDS // 60}m",
        "input_series": _inputs(entry, {signal: outage}),
        "alert_rule_test": [
            {"eval_time": _end(LONG_DAYS), "alertname": GROWTH_ALERT, "exp_alerts": []}
        ],
        "promql_expr_test": [
            {
                "expr": outvoted,
                "eval_time": _end(LONG_DAYS),
                "exp_samples": [{"labels": "{}", "value": 1}],
            }
        ],
    }


def _loading(entries: list[ServiceEntry], step: str) -> dict[str, Any]:
    """The rule files of ``entries``, evaluated every ``step``, every signals group
    before every growth group: promtool runs all groups at each step, in a random order unless
    told, and a growth rule must read the 1 h average of its own step (the one before is
    outside the 5 m lookback)."""
    groups = [usage_rule_groups(entry) for entry in entries]
    return {
        "rule_files": [f"../rules/{entry.name}.usage.rules.yml" for entry in entries],
        "evaluation_interval": step,
        "group_eval_order": [g[level]["name"] for level in (0, 1) for g in groups],
    }


def usage_test_files(catalog: Catalog) -> dict[str, dict[str, Any]]:
    """usage.test.yml (the rules of the services that play a scenario) and
    usage-median.test.yml (the first service's rules only, over three weeks)."""
    entries = list(catalog.services.values())
    if not entries:
        return {}
    plays = scenarios(catalog)
    shared = {**_loading([s.entry for s in plays], "30m"), "tests": [_shared_case(plays)]}
    # Nothing in the median case waits on a `for:`, so it steps by the hour: a third of the
    # shared case's steps over three times its span.
    median = {**_loading(entries[:1], "1h"), "tests": [_median_case(entries[0])]}
    return {"usage": shared, "usage-median": median}
