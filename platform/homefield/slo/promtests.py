"""`promtool test rules` files generated per SLO: a fast burst pages, a slow leak tickets,
healthy traffic (including client errors) fires nothing, and failing every event pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homefield.catalog import Catalog, ServiceEntry, Slo
from homefield.catalog.slo import (
    EventAvailability,
    GrpcAvailability,
    HttpAvailability,
    OutboxDelivery,
)
from homefield.slo.rules import (
    absent_annotations,
    absent_severity,
    alert_annotations,
    alert_name,
    slo_labels,
)
from homefield.slo.sli import Sli, counters

TRAFFIC_PER_MINUTE = 10_000


@dataclass(frozen=True)
class Phase:
    minutes: int
    bad: float
    client: float = 0.0
    dead: float = 0.0

    @property
    def good(self) -> float:
        return TRAFFIC_PER_MINUTE - self.bad - self.dead - self.client


def _strip(selector: str, *drop: str) -> str:
    metric, _, labels = selector.partition("{")
    kept = [part for part in labels.rstrip("}").split(",") if not part.startswith(drop)]
    return f"{metric}{{{','.join(kept)}}}"


def _with(selector: str, label: str) -> str:
    return f"{selector[:-1]},{label}}}"


def _series_roles(entry: ServiceEntry, sli: Sli) -> list[tuple[str, tuple[str, ...]]]:
    """Each input series, with the roles (good, bad, client) whose events it counts."""
    found = counters(entry.name, sli)
    if isinstance(sli, GrpcAvailability):
        provides = entry.spec.grpc.provides[0] if entry.spec.grpc else ""
        total = _with(found.total, f'grpc_service="{provides}"')
        codes = (("OK", "good"), ("INVALID_ARGUMENT", "client"), ("UNAVAILABLE", "bad"))
        return [(_with(total, f'grpc_code="{code}"'), (role,)) for code, role in codes]
    if isinstance(sli, HttpAvailability):
        statuses = (("200", "good"), ("404", "client"), ("503", "bad"))
        return [(_with(found.total, f'status_code="{code}"'), (role,)) for code, role in statuses]
    if isinstance(sli, EventAvailability):
        duplicate = _with(_strip(found.total, "outcome"), 'outcome="duplicate"')
        return [
            (found.total, ("good",)),
            (duplicate, ("client",)),
            (found.bad, ("bad",)),
            (found.dead_lettered, ("dead",)),
        ]
    if isinstance(sli, OutboxDelivery):
        return [(found.total, ("good",)), (found.bad, ("bad",))]
    return [(found.good, ("good", "client")), (found.total, ("good", "client", "bad"))]


def _amount(value: float) -> str:
    rounded = round(float(value), 6)
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def _values(phases: list[Phase], roles: tuple[str, ...]) -> str:
    segments, value = [], 0.0
    for index, phase in enumerate(phases):
        step = sum(getattr(phase, role) for role in roles)
        if index == 0:
            segments.append(f"0+{_amount(step)}x{phase.minutes}")
            value = step * phase.minutes
        else:
            segments.append(f"{_amount(value + step)}+{_amount(step)}x{phase.minutes - 1}")
            value += step * phase.minutes
    return " ".join(segments)


def _exists(series: str, phases: list[Phase], roles: tuple[str, ...]) -> bool:
    # A labelled counter exports no series until its first event; a histogram exports
    # every bucket from its first observation, so a bucket that stays zero still exists.
    counted = sum(getattr(phase, role) for phase in phases for role in roles)
    return counted > 0 or series.partition("{")[0].endswith("_bucket")


def _input(entry: ServiceEntry, slo: Slo, phases: list[Phase]) -> list[dict[str, str]]:
    return [
        {"series": series, "values": _values(phases, roles)}
        for series, roles in _series_roles(entry, slo.sli)
        if _exists(series, phases, roles)
    ]


def _expected(entry: ServiceEntry, slo: Slo, severity: str) -> dict[str, Any]:
    return {
        "exp_labels": {**slo_labels(entry, slo), "severity": severity},
        "exp_annotations": alert_annotations(entry, slo, severity),
    }


def _case(entry: ServiceEntry, slo: Slo, title: str, phases: list[Phase]) -> dict[str, Any]:
    return {
        "name": f"{entry.name} {slo.name}: {title}",
        "interval": "1m",
        "input_series": _input(entry, slo, phases),
    }


def slo_tests(entry: ServiceEntry, slo: Slo) -> list[dict[str, Any]]:
    """Three scenarios for one SLO, sized from its error budget."""
    budget = round(slo.error_budget, 12) * TRAFFIC_PER_MINUTE
    name = alert_name(entry.name, slo.name)
    end = "60m"
    fast = _case(entry, slo, "a fast error burst pages", [Phase(60, 0), Phase(60, 30 * budget)])
    fast["alert_rule_test"] = [
        {"eval_time": "60m", "alertname": name, "exp_alerts": []},
        {
            "eval_time": "120m",
            "alertname": name,
            "exp_alerts": [_expected(entry, slo, "page"), _expected(entry, slo, "ticket")],
        },
    ]
    slow = _case(entry, slo, "a slow leak opens only a ticket", [Phase(60, 2 * budget)])
    slow["alert_rule_test"] = [
        {"eval_time": end, "alertname": name, "exp_alerts": [_expected(entry, slo, "ticket")]}
    ]
    healthy_phase = Phase(60, budget / 2, client=TRAFFIC_PER_MINUTE / 10)
    healthy = _case(entry, slo, "healthy traffic fires nothing", [healthy_phase])
    healthy["alert_rule_test"] = [{"eval_time": end, "alertname": name, "exp_alerts": []}]
    remaining = (
        f'round(slo:error_budget:remaining{{service="{entry.name}",slo="{slo.name}"}} * 100)'
    )
    sample = {"labels": _labels(entry, slo), "value": _percent_left(slo, healthy_phase)}
    healthy["promql_expr_test"] = [{"expr": remaining, "eval_time": end, "exp_samples": [sample]}]
    return [fast, slow, healthy, _all_failing(entry, slo)]


def _all_failing(entry: ServiceEntry, slo: Slo) -> dict[str, Any]:
    # Handler attempts fail and their events go to the DLQ: no success is ever counted.
    failing = Phase(60, TRAFFIC_PER_MINUTE)
    if isinstance(slo.sli, EventAvailability):
        failing = Phase(60, TRAFFIC_PER_MINUTE / 2, dead=TRAFFIC_PER_MINUTE / 2)
    case = _case(entry, slo, "every event failing pages", [failing])
    expected = [_expected(entry, slo, "page"), _expected(entry, slo, "ticket")]
    name = alert_name(entry.name, slo.name)
    case["alert_rule_test"] = [{"eval_time": "60m", "alertname": name, "exp_alerts": expected}]
    return case


def _percent_left(slo: Slo, phase: Phase) -> int:
    counted = TRAFFIC_PER_MINUTE
    if isinstance(slo.sli, EventAvailability | OutboxDelivery):
        counted -= int(phase.client)
    return round(100 * (1 - phase.bad / counted / slo.error_budget))


def _labels(entry: ServiceEntry, slo: Slo) -> str:
    pairs = ",".join(f'{key}="{value}"' for key, value in slo_labels(entry, slo).items())
    return f"{{{pairs}}}"


def service_test_file(entry: ServiceEntry) -> dict[str, Any]:
    tests = [case for slo in entry.slos.slos for case in slo_tests(entry, slo)]
    return {
        "rule_files": [f"../rules/{entry.name}.rules.yml"],
        "evaluation_interval": "1m",
        "tests": tests,
    }


def platform_test_file(catalog: Catalog) -> dict[str, Any]:
    """The absent-metrics alert fires for a service that exports nothing, and only for it."""
    entries = list(catalog.services.values())
    silent, others = entries[0], entries[1:]
    series = [
        {"series": f'service_info{{service="{entry.name}",team="{entry.team}"}}', "values": "1x20"}
        for entry in others
    ]
    expected = {
        "exp_labels": {
            "service": silent.name,
            "team": silent.team,
            "severity": absent_severity(silent),
        },
        "exp_annotations": absent_annotations(silent),
    }
    test = {
        "name": f"{silent.name} exports no metrics: only its absent-metrics alert fires",
        "interval": "1m",
        "input_series": series,
        "alert_rule_test": [
            {"eval_time": "10m", "alertname": "ServiceMetricsAbsent", "exp_alerts": [expected]}
        ],
    }
    return {
        "rule_files": ["../rules/platform.rules.yml"],
        "evaluation_interval": "1m",
        "tests": [test],
    }
