"""Usage rules: what is recorded, how flags are routed, and how a planned mark silences one."""

from dataclasses import replace
from pathlib import Path

from homefield.catalog import Catalog, parse_service
from homefield.slo.rules import alert_rules as slo_alert_rules
from homefield.usage import promql
from homefield.usage.rules import (
    GROWTH_ALERT,
    alert_rules,
    merged,
    signal_recordings,
    usage_rule_groups,
)
from homefield.usage.synthetic import STEP_SECONDS, promtool_values, values

REPO = Path(__file__).resolve().parents[4]
CATALOG = Catalog.load(REPO)


def test_flags_are_tickets_routed_like_slo_tickets() -> None:
    entry = CATALOG.services["payments"]
    slo_ticket = next(
        r for r in slo_alert_rules(entry, entry.slos.slos[0]) if r["labels"]["severity"] == "ticket"
    )
    for rule in alert_rules(entry):
        assert rule["labels"]["team"] == slo_ticket["labels"]["team"] == "payments"
        assert rule["labels"]["severity"] == "ticket"
        assert rule["for"] == "30m"
        assert rule["annotations"]["runbook_url"].endswith(
            "services/payments/RUNBOOK.md#usage-growth"
        )


def test_requests_leave_out_the_operational_routes() -> None:
    expr = promql.raw_expr("orders", "requests")
    assert 'route!~"/healthz|/readyz|/metrics|/info"' in expr
    assert "grpc_server_handled_total|http_server_requests_total" in expr


def test_a_planned_mark_silences_only_its_signal_until_its_date() -> None:
    storefront = CATALOG.services["storefront"]
    growth = {
        r["labels"]["signal"]: r["expr"]
        for r in alert_rules(storefront)
        if r["alert"] == GROWTH_ALERT
    }
    mark = storefront.spec.planned_growth[0]
    assert f"unless on () (vector(time()) < {mark.until_epoch})" in growth["requests"]
    assert "unless" not in growth["cpu"]


def test_a_limit_adds_a_capacity_ticket_and_none_without() -> None:
    orders = {
        r["labels"]["signal"]
        for r in alert_rules(CATALOG.services["orders"])
        if r["alert"] == "UsageCapacity"
    }
    assert orders == {"requests", "storage"}
    assert not [
        r for r in alert_rules(CATALOG.services["inventory"]) if r["alert"] == "UsageCapacity"
    ]


def test_the_baseline_is_the_median_of_the_weeks_that_have_data() -> None:
    expr = promql.baseline_expr('service:usage:avg1h{service="orders"}')
    assert expr.startswith("quantile without (weeks_back) (0.5,")
    for weeks in ("offset 1w", "offset 2w", "offset 3w"):
        assert weeks in expr


def test_merged_rules_carry_the_labels_of_every_part() -> None:
    entry = CATALOG.services["inventory"]
    rules = merged(signal_recordings(entry))
    assert [r["record"] for r in rules] == [promql.AVG]
    assert rules[0]["expr"].count(" or ") == len(entry.spec.signals) - 1
    assert '"team", "fulfillment"' in rules[0]["expr"]


def test_groups_record_before_they_alert() -> None:
    groups = usage_rule_groups(CATALOG.services["orders"])
    assert [g["name"] for g in groups] == ["orders-usage-signals", "orders-usage-growth"]
    growth = [r.get("record") or r.get("alert") for r in groups[1]["rules"]]
    assert growth.index(promql.BASELINE) < growth.index(promql.GROWING) < growth.index(GROWTH_ALERT)


def test_counters_accumulate_and_promtool_notation_expands_back() -> None:
    samples = values([1.0, 1.0, 2.0, 2.0], 10.0, counter=True)
    step = 10.0 * STEP_SECONDS
    assert samples == [0.0, step, 2 * step, 4 * step]
    assert promtool_values(samples) == f"0+{step:.0f}x2 {4 * step:.0f}+0x0"
    assert promtool_values([5.0, 3.0, 1.0]) == "5-2x2"


def test_the_floor_can_be_set_per_service() -> None:
    spec = parse_service(
        "name: orders\ntier: 1\nhttp: {port: 1}\nusage: {cpu: {stddev_floor: 0.2}}\n", "s.yaml"
    )
    entry = replace(CATALOG.services["orders"], spec=spec)
    growth = usage_rule_groups(entry)[1]["rules"]
    stddev = next(r for r in growth if r["record"] == promql.STDDEV and 'signal="cpu"' in r["expr"])
    assert stddev["expr"].endswith(", 0.2)")
