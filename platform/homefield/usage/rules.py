"""Usage rules per service and per team: recordings, growth flags and capacity tickets.

Both alerts are tickets labelled with the owning team, so Alertmanager routes them to the
team's channel exactly as it routes SLO tickets (homefield.slo.alertmanager), and both link to
the "Usage growth" section of the service's runbook. A planned-growth mark in service.yaml
silences the growth flag of its signal until the end of its date.
"""

from __future__ import annotations

from homefield.catalog import ServiceEntry
from homefield.catalog.usage import Signal
from homefield.slo.rules import Rule
from homefield.slo.runbooks import runbook_url
from homefield.usage import promql

RUNBOOK_ANCHOR = "usage-growth"
RUNBOOK_TITLE = "Usage growth"
GROWTH_ALERT = "UsageGrowth"
CAPACITY_ALERT = "UsageCapacity"


def usage_labels(entry: ServiceEntry, signal: str) -> dict[str, str]:
    return {"service": entry.name, "team": entry.team, "signal": signal}


def signal_recordings(entry: ServiceEntry) -> list[Rule]:
    """First pass: the 1 h average of each signal, from raw metrics."""
    return [
        {
            "record": promql.AVG,
            "expr": promql.raw_expr(entry.name, signal.name),
            "labels": usage_labels(entry, signal.name),
        }
        for signal in entry.spec.signals
    ]


def baseline_recordings(entry: ServiceEntry) -> list[Rule]:
    """Second pass: the week-ago baseline of every signal, and each signal's spread."""
    now = promql.service_selector(promql.AVG, entry.name)
    rules: list[Rule] = [{"record": promql.BASELINE, "expr": promql.baseline_expr(now)}]
    rules += [
        {
            "record": promql.STDDEV,
            "expr": promql.stddev_expr(
                promql.series(promql.AVG, entry.name, s.name), s.stddev_floor
            ),
        }
        for s in entry.spec.signals
    ]
    return rules


def growth_recordings(entry: ServiceEntry) -> list[Rule]:
    """Third pass: growth, and the flag per signal."""
    rules: list[Rule] = [{"record": promql.GROWTH, "expr": promql.growth_expr(entry.name)}]
    rules += [
        {"record": promql.GROWING, "expr": promql.growing_expr(entry.name, s)}
        for s in entry.spec.signals
    ]
    return rules


def silence_until(entry: ServiceEntry, signal: str) -> int | None:
    """The latest end (Unix seconds) of the signal's planned-growth marks, if any."""
    ends = [m.until_epoch for m in entry.spec.planned_growth if m.signal == signal]
    return max(ends) if ends else None


def growth_alert_expr(entry: ServiceEntry, signal: str) -> str:
    expr = promql.series(promql.GROWING, entry.name, signal)
    until = silence_until(entry, signal)
    if until is not None:
        expr += f"\nunless on () (vector(time()) < {until})"
    return expr


def growth_summary(entry: ServiceEntry, signal: str) -> str:
    return (
        f"{entry.name} {signal} grew more than {promql.GROWTH_THRESHOLD:.0%} week over week,"
        f" over {promql.Z_THRESHOLD} standard deviations above the same time a week earlier"
    )


def capacity_summary(entry: ServiceEntry, signal: Signal) -> str:
    return (
        f"{entry.name} {signal.name} is on course to pass its limit of {signal.limit:g}"
        f" {signal.unit} within 30 days"
    )


def _ticket(entry: ServiceEntry, alert: str, signal: str, expr: str, summary: str) -> Rule:
    return {
        "alert": alert,
        "expr": expr,
        "for": promql.FLAG_FOR,
        "labels": {**usage_labels(entry, signal), "severity": "ticket"},
        "annotations": {
            "summary": summary,
            "runbook_url": runbook_url(entry.name, f"RUNBOOK.md#{RUNBOOK_ANCHOR}"),
        },
    }


def alert_rules(entry: ServiceEntry) -> list[Rule]:
    rules = [
        _ticket(
            entry,
            GROWTH_ALERT,
            s.name,
            growth_alert_expr(entry, s.name),
            growth_summary(entry, s.name),
        )
        for s in entry.spec.signals
    ]
    rules += [
        _ticket(
            entry,
            CAPACITY_ALERT,
            s.name,
            promql.capacity_expr(entry.name, s),
            capacity_summary(entry, s),
        )
        for s in entry.spec.signals
        if s.limit is not None
    ]
    return rules


def usage_rule_groups(entry: ServiceEntry) -> list[Rule]:
    """The service's usage groups: signals, then growth (in order, so each level reads the
    one before at the same evaluation) with its tickets."""
    return [
        {
            "name": f"{entry.name}-usage-signals",
            "interval": promql.SIGNALS_INTERVAL,
            "rules": signal_recordings(entry),
        },
        {
            "name": f"{entry.name}-usage-growth",
            "interval": promql.GROWTH_INTERVAL,
            "rules": baseline_recordings(entry) + growth_recordings(entry) + alert_rules(entry),
        },
    ]


def team_recordings() -> list[Rule]:
    return [
        {"record": promql.TEAM_AVG, "expr": f"sum by (team, signal) ({promql.AVG})"},
        {"record": promql.TEAM_BASELINE, "expr": promql.team_baseline_expr()},
    ]


def team_rule_groups() -> list[Rule]:
    """Usage per team and signal: the sum of its services' 1 h averages and baselines."""
    group = {"name": "teams-usage", "interval": promql.GROWTH_INTERVAL, "rules": team_recordings()}
    return [group]


def merged(rules: list[Rule]) -> list[Rule]:
    """The same recordings with one rule per record name: each expression carries its labels
    through label_replace and the parts are joined with `or`. Backfilling writes blocks per
    rule and per two hours, so this keeps a three-week backfill to a few hundred blocks."""
    by_record: dict[str, list[str]] = {}
    for rule in rules:
        expr = rule["expr"]
        for key, value in rule.get("labels", {}).items():
            expr = f'label_replace({expr}, "{key}", "{value}", "", "")'
        by_record.setdefault(rule["record"], []).append(f"({expr})")
    return [{"record": record, "expr": " or ".join(parts)} for record, parts in by_record.items()]
