"""Rules and dashboards may only name metrics that docs/METRICS.md says the runtime exports."""

import re
from pathlib import Path

import pytest
from homefield.catalog import Catalog
from homefield.slo.dashboards import overview_dashboard, service_dashboard
from homefield.slo.promql import expressions, metric_names
from homefield.slo.rules import platform_rule_groups, service_rule_groups
from homefield.usage.rules import team_rule_groups, usage_rule_groups

REPO = Path(__file__).resolve().parents[4]


def documented_metrics() -> set[str]:
    text = (REPO / "docs" / "METRICS.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE))


def _base_name(metric: str) -> str:
    for suffix in ("_bucket", "_count", "_sum"):
        if metric.endswith(suffix):
            return metric.removesuffix(suffix)
    return metric


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(REPO)


def test_the_metrics_table_is_read() -> None:
    assert {
        "service_info",
        "grpc_server_handled_total",
        "outbox_backlog_messages",
    } <= documented_metrics()


def test_rules_and_dashboards_name_only_documented_or_recorded_metrics(catalog: Catalog) -> None:
    groups = [g for e in catalog.services.values() for g in service_rule_groups(e)]
    groups += platform_rule_groups(catalog)
    groups += [g for e in catalog.services.values() for g in usage_rule_groups(e)]
    groups += team_rule_groups()
    recorded = {rule["record"] for group in groups for rule in group["rules"] if "record" in rule}
    boards = [service_dashboard(catalog, e) for e in catalog.services.values()]
    boards.append(overview_dashboard())
    named = {name for expr in expressions([groups, boards]) for name in metric_names(expr)}
    raw = {name for name in named if ":" not in name}
    assert {_base_name(name) for name in raw} <= documented_metrics()
    assert {name for name in named if ":" in name} <= recorded
    assert "kafka_event_age_seconds_bucket" in raw and "slo:error_budget:remaining" in named
    assert {"store_size_bytes", "process_cpu_seconds_total"} <= raw
    assert "service:usage:growing" in named
