"""Grafana dashboards: one per service (SLOs, RED, saturation, alerts) and an overview."""

from __future__ import annotations

from typing import Any

from homefield.catalog import Catalog, ServiceEntry
from homefield.slo.panels import (
    RATE_INTERVAL,
    GrafanaPanel,
    Grid,
    Panel,
    Row,
    alert_list,
    bargauge,
    stat,
    table,
    timeseries,
)
from homefield.slo.runbooks import RUNBOOK_BASE_URL, runbook_url
from homefield.slo.sli import GRPC_GOOD_CODES

RATE = f"[{RATE_INTERVAL}]"


def _rate(metric: str, selector: str, by: str) -> str:
    return f"sum by ({by}) (rate({metric}{{{selector}}}{RATE}))"


def _p99(metric: str, selector: str, by: str) -> str:
    inner = f"sum by ({by}, le) (rate({metric}_bucket{{{selector}}}{RATE}))"
    return f"histogram_quantile(0.99, {inner})"


def _red(title: str, sel: str, metrics: tuple[str, str], by: str, bad: str) -> Row:
    calls, seconds = metrics
    legend = f"{{{{{by}}}}}"
    return Row(
        title,
        (
            timeseries("Rate", _rate(calls, sel, by), legend, "reqps"),
            timeseries("Errors", _rate(calls, f"{sel},{bad}", by), legend, "reqps"),
            timeseries("Duration p99", _p99(seconds, sel, by), legend, "s"),
        ),
    )


def _slo_row(sel: str) -> Row:
    good = f"100 * (1 - slo:sli_error:ratio_rate30d{{{sel}}})"
    return Row(
        "SLOs (30d window)",
        (
            stat("SLI: good events", good, "{{slo}}"),
            timeseries("Burn rate (5m)", f"slo:current_burn_rate:ratio{{{sel}}}", "{{slo}}"),
            stat("Error budget left", f"100 * slo:error_budget:remaining{{{sel}}}", "{{slo}}"),
        ),
    )


def _interface_rows(entry: ServiceEntry, sel: str) -> list[Row]:
    grpc_bad = f'grpc_code!~"{GRPC_GOOD_CODES}"'
    rows: list[Row] = []
    if entry.spec.grpc:
        names = ("grpc_server_handled_total", "grpc_server_handling_seconds")
        rows.append(_red("gRPC server", sel, names, "grpc_method", grpc_bad))
    if entry.spec.calls:
        names = ("grpc_client_handled_total", "grpc_client_handling_seconds")
        rows.append(_red("gRPC client (calls)", sel, names, "grpc_service", grpc_bad))
    names = ("http_server_requests_total", "http_server_request_duration_seconds")
    rows.append(_red("HTTP server", sel, names, "route", 'status_code=~"5.."'))
    if entry.spec.consumes:
        consumed = _rate("kafka_consumed_messages_total", sel, "topic, outcome")
        errors = _rate("kafka_consume_errors_total", sel, "handler")
        age = _p99("kafka_event_age_seconds", sel, "topic")
        consumer = (
            timeseries("Consumed", consumed, "{{topic}} {{outcome}}", "ops"),
            timeseries("Handler errors", errors, "{{handler}}", "ops"),
            timeseries("Event age p99", age, "{{topic}}", "s"),
        )
        rows.append(Row("Kafka consumer", consumer))
    if entry.spec.publishes or entry.spec.consumes:
        produced = _rate("kafka_produced_messages_total", sel, "topic")
        failed = _rate("kafka_produce_errors_total", sel, "topic")
        latency = _p99("kafka_produce_duration_seconds", sel, "topic")
        producer = (
            timeseries("Produced", produced, "{{topic}}", "ops"),
            timeseries("Produce errors", failed, "{{topic}}", "ops"),
            timeseries("Produce duration p99", latency, "{{topic}}", "s"),
        )
        rows.append(Row("Kafka producer", producer))
    return rows


def _saturation_row(sel: str) -> Row:
    lag = f"sum by (topic) (kafka_consumer_lag_messages{{{sel}}})"
    dlq = f"sum by (topic) (increase(kafka_dlq_messages_total{{{sel}}}[1h]))"
    oldest = f"outbox_oldest_age_seconds{{{sel}}}"
    return Row(
        "Saturation",
        (
            timeseries("Consumer lag", lag, "{{topic}}", "short"),
            timeseries("Outbox backlog", f"outbox_backlog_messages{{{sel}}}", "backlog", "short"),
            timeseries("Oldest undelivered outbox row", oldest, "age", "s"),
            timeseries("Dead-lettered (last hour)", dlq, "{{topic}}", "short"),
        ),
    )


def service_rows(entry: ServiceEntry) -> list[Row]:
    """The panels of a service's dashboard, as Grafana and the console both show them: the SLO
    row, RED rows per interface, saturation, then the service's alerts."""
    sel = f'service="{entry.name}"'
    alerts = Row("Alerts", (alert_list("Firing and pending", f"{{{sel}}}"),))
    return [_slo_row(sel), *_interface_rows(entry, sel), _saturation_row(sel), alerts]


def _links(entry: ServiceEntry, channel: str) -> list[dict[str, Any]]:
    link = {"type": "link", "targetBlank": True, "asDropdown": False, "tags": []}
    owners = f"{RUNBOOK_BASE_URL}/services/{entry.name}/OWNERS"
    return [
        {**link, "title": "Runbook", "url": runbook_url(entry.name), "icon": "doc"},
        {**link, "title": f"Owner: {entry.team} ({channel})", "url": owners, "icon": "info"},
        {**link, "type": "dashboards", "title": "Homefield", "tags": ["homefield"], "icon": ""},
    ]


def _dashboard(uid: str, title: str, tags: list[str], panels: list[GrafanaPanel]) -> dict[str, Any]:
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
        "panels": panels,
    }


def service_dashboard(catalog: Catalog, entry: ServiceEntry) -> dict[str, Any]:
    """The Grafana dashboard of ``service_rows``, linked to the runbook and OWNERS."""
    panels = Grid().layout(service_rows(entry))
    tags = ["homefield", f"team:{entry.team}", f"tier:{entry.spec.tier}"]
    board = _dashboard(f"homefield-{entry.name}", f"{entry.name} ({entry.team})", tags, panels)
    board["description"] = entry.spec.description
    board["links"] = _links(entry, catalog.teams.teams[entry.team].channel)
    return board


def overview_rows() -> list[Row]:
    """Every service at a glance: owners, error budgets, burn rates and firing alerts."""
    running = "max by (service, team, tier, version) (service_info)"
    budget = "100 * slo:error_budget:remaining"
    burn = "slo:current_burn_rate:ratio"
    legend = "{{service}} {{slo}}"
    slos = (
        bargauge("Error budget left", budget, legend, width=12),
        Panel("timeseries", "Burn rate (5m)", burn, legend, width=12),
    )
    return [
        Row("Services", (table("Running services", running, width=24),)),
        Row("SLOs (30d window)", slos),
        Row("Alerts", (alert_list("Firing and pending", ""),)),
    ]


def overview_dashboard() -> dict[str, Any]:
    panels = Grid().layout(overview_rows())
    board = _dashboard("homefield-overview", "Homefield overview", ["homefield"], panels)
    board["links"] = [
        {"type": "dashboards", "title": "Services", "tags": ["homefield"], "asDropdown": True}
    ]
    return board
