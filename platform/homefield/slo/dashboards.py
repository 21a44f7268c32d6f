"""Grafana dashboards: one per service (SLOs, RED, saturation, alerts) and an overview."""

from __future__ import annotations

from typing import Any

from homefield.catalog import Catalog, ServiceEntry
from homefield.slo.panels import Grid, alert_list, bargauge, stat, table, timeseries
from homefield.slo.runbooks import RUNBOOK_BASE_URL, runbook_url
from homefield.slo.sli import GRPC_GOOD_CODES

RATE = "[$__rate_interval]"


def _rate(metric: str, selector: str, by: str) -> str:
    return f"sum by ({by}) (rate({metric}{{{selector}}}{RATE}))"


def _p99(metric: str, selector: str, by: str) -> str:
    inner = f"sum by ({by}, le) (rate({metric}_bucket{{{selector}}}{RATE}))"
    return f"histogram_quantile(0.99, {inner})"


def _red(grid: Grid, title: str, sel: str, metrics: tuple[str, str], by: str, bad: str) -> None:
    calls, seconds = metrics
    legend = f"{{{{{by}}}}}"
    grid.row(title)
    grid.add(timeseries("Rate", _rate(calls, sel, by), legend, "reqps"))
    grid.add(timeseries("Errors", _rate(calls, f"{sel},{bad}", by), legend, "reqps"))
    grid.add(timeseries("Duration p99", _p99(seconds, sel, by), legend, "s"))


def _slo_row(grid: Grid, sel: str) -> None:
    grid.row("SLOs (30d window)")
    grid.add(
        stat("SLI: good events", f"100 * (1 - slo:sli_error:ratio_rate30d{{{sel}}})", "{{slo}}")
    )
    grid.add(timeseries("Burn rate (5m)", f"slo:current_burn_rate:ratio{{{sel}}}", "{{slo}}"))
    grid.add(stat("Error budget left", f"100 * slo:error_budget:remaining{{{sel}}}", "{{slo}}"))


def _interface_rows(grid: Grid, entry: ServiceEntry, sel: str) -> None:
    grpc_bad = f'grpc_code!~"{GRPC_GOOD_CODES}"'
    if entry.spec.grpc:
        names = ("grpc_server_handled_total", "grpc_server_handling_seconds")
        _red(grid, "gRPC server", sel, names, "grpc_method", grpc_bad)
    if entry.spec.calls:
        names = ("grpc_client_handled_total", "grpc_client_handling_seconds")
        _red(grid, "gRPC client (calls)", sel, names, "grpc_service", grpc_bad)
    names = ("http_server_requests_total", "http_server_request_duration_seconds")
    _red(grid, "HTTP server", sel, names, "route", 'status_code=~"5.."')
    if entry.spec.consumes:
        grid.row("Kafka consumer")
        consumed = _rate("kafka_consumed_messages_total", sel, "topic, outcome")
        grid.add(timeseries("Consumed", consumed, "{{topic}} {{outcome}}", "ops"))
        errors = _rate("kafka_consume_errors_total", sel, "handler")
        grid.add(timeseries("Handler errors", errors, "{{handler}}", "ops"))
        age = _p99("kafka_event_age_seconds", sel, "topic")
        grid.add(timeseries("Event age p99", age, "{{topic}}", "s"))
    if entry.spec.publishes or entry.spec.consumes:
        grid.row("Kafka producer")
        produced = _rate("kafka_produced_messages_total", sel, "topic")
        grid.add(timeseries("Produced", produced, "{{topic}}", "ops"))
        failed = _rate("kafka_produce_errors_total", sel, "topic")
        grid.add(timeseries("Produce errors", failed, "{{topic}}", "ops"))
        latency = _p99("kafka_produce_duration_seconds", sel, "topic")
        grid.add(timeseries("Produce duration p99", latency, "{{topic}}", "s"))


def _saturation_row(grid: Grid, sel: str) -> None:
    grid.row("Saturation")
    lag = f"sum by (topic) (kafka_consumer_lag_messages{{{sel}}})"
    grid.add(timeseries("Consumer lag", lag, "{{topic}}", "short"))
    grid.add(timeseries("Outbox backlog", f"outbox_backlog_messages{{{sel}}}", "backlog", "short"))
    dlq = f"sum by (topic) (increase(kafka_dlq_messages_total{{{sel}}}[1h]))"
    grid.add(timeseries("Dead-lettered (last hour)", dlq, "{{topic}}", "short"))


def _links(entry: ServiceEntry, channel: str) -> list[dict[str, Any]]:
    link = {"type": "link", "targetBlank": True, "asDropdown": False, "tags": []}
    owners = f"{RUNBOOK_BASE_URL}/services/{entry.name}/OWNERS"
    return [
        {**link, "title": "Runbook", "url": runbook_url(entry.name), "icon": "doc"},
        {**link, "title": f"Owner: {entry.team} ({channel})", "url": owners, "icon": "info"},
        {**link, "type": "dashboards", "title": "Homefield", "tags": ["homefield"], "icon": ""},
    ]


def _dashboard(uid: str, title: str, tags: list[str], grid: Grid) -> dict[str, Any]:
    variable = {"name": "datasource", "label": "Data source", "type": "datasource"}
    return {
        "uid": uid,
        "title": title,
        "tags": tags,
        "editable": False,
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "timezone": "utc",
        "templating": {"list": [{**variable, "query": "prometheus", "hide": 0}]},
        "panels": grid.panels,
    }


def service_dashboard(catalog: Catalog, entry: ServiceEntry) -> dict[str, Any]:
    """SLO row, RED rows per interface, saturation and the service's alerts, in that order."""
    sel = f'service="{entry.name}"'
    grid = Grid()
    _slo_row(grid, sel)
    _interface_rows(grid, entry, sel)
    _saturation_row(grid, sel)
    grid.row("Alerts")
    grid.add(alert_list("Firing and pending", f"{{{sel}}}"), width=24)
    tags = ["homefield", f"team:{entry.team}", f"tier:{entry.spec.tier}"]
    board = _dashboard(f"homefield-{entry.name}", f"{entry.name} ({entry.team})", tags, grid)
    board["description"] = entry.spec.description
    board["links"] = _links(entry, catalog.teams.teams[entry.team].channel)
    return board


def overview_dashboard() -> dict[str, Any]:
    """Every service at a glance: owners, error budgets, burn rates and firing alerts."""
    grid = Grid()
    grid.row("Services")
    grid.add(table("Running services", "max by (service, team, tier, version) (service_info)"), 24)
    grid.row("SLOs (30d window)")
    budget = bargauge(
        "Error budget left", "100 * slo:error_budget:remaining", "{{service}} {{slo}}"
    )
    grid.add(budget, width=12)
    burn = timeseries("Burn rate (5m)", "slo:current_burn_rate:ratio", "{{service}} {{slo}}")
    grid.add(burn, width=12)
    grid.row("Alerts")
    grid.add(alert_list("Firing and pending", ""), width=24)
    board = _dashboard("homefield-overview", "Homefield overview", ["homefield"], grid)
    board["links"] = [
        {"type": "dashboards", "title": "Services", "tags": ["homefield"], "asDropdown": True}
    ]
    return board
