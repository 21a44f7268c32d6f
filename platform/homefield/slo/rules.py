"""Prometheus rules per SLO: error ratios, budget and burn rate, multi-window burn-rate alerts."""

from __future__ import annotations

from typing import Any

from homefield.catalog import Catalog, ServiceEntry, Slo
from homefield.slo.runbooks import runbook_url
from homefield.slo.sli import error_ratio
from homefield.slo.windows import BURN_RATE_ALERTS, RATIO_WINDOWS, SLO_PERIOD, scaled

Rule = dict[str, Any]
ABSENT_FOR = "5m"


def number(value: float) -> str:
    """A float as PromQL writes it, without binary noise (0.001, not 0.0010000000000000009)."""
    return repr(round(value, 12))


def ratio_record(window: str) -> str:
    return f"slo:sli_error:ratio_rate{window}"


def alert_name(service: str, slo: str) -> str:
    """``OrdersPlaceOrderAvailability``: one alert per SLO; ``severity`` tells page from ticket."""
    words = f"{service}-{slo}".split("-")
    return "".join(word.capitalize() for word in words)


def slo_labels(entry: ServiceEntry, slo: Slo) -> dict[str, str]:
    return {"service": entry.name, "slo": slo.name, "team": entry.team}


def _series(entry: ServiceEntry, slo: Slo, record: str) -> str:
    return f'{record}{{service="{entry.name}",slo="{slo.name}"}}'


def recording_rules(entry: ServiceEntry, slo: Slo, scale: int = 1) -> list[Rule]:
    labels = slo_labels(entry, slo)
    budget = number(slo.error_budget)
    rules: list[Rule] = [
        {
            "record": ratio_record(window),
            "expr": error_ratio(entry.name, slo.sli, scaled(window, scale)),
            "labels": labels,
        }
        for window in RATIO_WINDOWS
    ]
    period = _series(entry, slo, ratio_record(SLO_PERIOD))
    short = _series(entry, slo, ratio_record(RATIO_WINDOWS[0]))
    rules += [
        {"record": "slo:objective:ratio", "expr": f"vector({number(slo.objective / 100)})"},
        {"record": "slo:error_budget:ratio", "expr": f"vector({budget})"},
        {"record": "slo:error_budget:remaining", "expr": f"1 - {period} / {budget}"},
        {"record": "slo:current_burn_rate:ratio", "expr": f"{short} / {budget}"},
    ]
    for rule in rules[len(RATIO_WINDOWS) :]:
        rule["labels"] = labels
    return rules


def alert_expr(entry: ServiceEntry, slo: Slo, severity: str) -> str:
    budget = number(slo.error_budget)
    conditions = []
    for alert in BURN_RATE_ALERTS:
        if alert.severity != severity:
            continue
        threshold = f"({alert.factor:g} * {budget})"
        long = _series(entry, slo, ratio_record(alert.long_window))
        short = _series(entry, slo, ratio_record(alert.short_window))
        conditions.append(f"(\n  {long} > {threshold}\nand\n  {short} > {threshold}\n)")
    return "\nor\n".join(conditions)


def alert_annotations(entry: ServiceEntry, slo: Slo, severity: str) -> dict[str, str]:
    speed = "fast" if severity == "page" else "slowly"
    return {
        "summary": f"{entry.name} {slo.name} is burning its {SLO_PERIOD} error budget {speed}"
        f" (objective {slo.objective:g}%)",
        "runbook_url": runbook_url(entry.name, slo.runbook_ref),
    }


def alert_rules(entry: ServiceEntry, slo: Slo) -> list[Rule]:
    return [
        {
            "alert": alert_name(entry.name, slo.name),
            "expr": alert_expr(entry, slo, severity),
            "labels": {**slo_labels(entry, slo), "severity": severity},
            "annotations": alert_annotations(entry, slo, severity),
        }
        for severity in ("page", "ticket")
    ]


def service_rule_groups(entry: ServiceEntry, scale: int = 1) -> list[Rule]:
    """One rule group per SLO: its recordings, then its page and ticket alerts."""
    return [
        {
            "name": f"{entry.name}-{slo.name}",
            "rules": recording_rules(entry, slo, scale) + alert_rules(entry, slo),
        }
        for slo in entry.slos.slos
    ]


def absent_severity(entry: ServiceEntry) -> str:
    return "page" if entry.spec.tier == 1 else "ticket"


def absent_annotations(entry: ServiceEntry) -> dict[str, str]:
    return {
        "summary": f"{entry.name} exports no metrics: Prometheus has scraped no service_info"
        f" from it for {ABSENT_FOR}",
        "runbook_url": runbook_url(entry.name, f"RUNBOOK.md#{absent_anchor(entry.name)}"),
    }


def absent_anchor(service: str) -> str:
    """The RUNBOOK.md section every service keeps for its absent-metrics alert."""
    return f"{service}-metrics-absent"


def platform_rule_groups(catalog: Catalog, scale: int = 1) -> list[Rule]:
    """The generic alert per service that fires when its metrics are absent."""
    rules = [
        {
            "alert": "ServiceMetricsAbsent",
            "expr": f'absent(service_info{{service="{entry.name}"}})',
            "for": scaled(ABSENT_FOR, scale),
            "labels": {
                "service": entry.name,
                "team": entry.team,
                "severity": absent_severity(entry),
            },
            "annotations": absent_annotations(entry),
        }
        for entry in catalog.services.values()
    ]
    return [{"name": "platform-absent-metrics", "rules": rules}]
