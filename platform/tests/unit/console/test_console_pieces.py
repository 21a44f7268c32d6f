"""The console's pure pieces: SLO arithmetic and order, the rota, the dependency strip, panels."""

import json
from datetime import UTC, datetime

import pytest
from homefield.catalog import Catalog
from homefield.console.charts import Chart, Window
from homefield.console.dependencies import (
    CALLED_BY,
    CALLS,
    CONSUMED_BY,
    TRACED_FROM,
    dependency_strip,
)
from homefield.console.slos import PERIOD_HOURS, exhaustion_hours, index_series, slo_statuses
from homefield.console.sources import Reading, sample_value
from homefield.console.views import on_call
from homefield.slo.dashboards import service_dashboard, service_rows
from homefield.slo.panels import legend_text, range_query, rate_interval


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def test_time_to_exhaustion_at_the_current_burn() -> None:
    assert exhaustion_hours(0.5, 1.0) == pytest.approx(PERIOD_HOURS / 2)
    assert exhaustion_hours(1.0, 14.4) == pytest.approx(720 / 14.4)
    assert exhaustion_hours(0.0, 3.0) == 0.0
    assert exhaustion_hours(-0.2, 3.0) == 0.0
    assert exhaustion_hours(0.5, 0.0) is None  # not burning
    assert exhaustion_hours(None, 1.0) is None


def test_slo_rows_come_from_the_recordings_lowest_budget_first(catalog: Catalog) -> None:
    entry = catalog.services["orders"]
    names = [slo.name for slo in entry.slos.slos]
    labels = lambda slo: {"service": "orders", "slo": slo}  # noqa: E731
    series = index_series(
        {
            "ratio_period": [(labels(names[0]), 0.0005)],
            "ratio_1h": [(labels(names[0]), 0.002), (labels(names[1]), float("nan"))],
            "ratio_6h": [],
            "budget_remaining": [(labels(names[0]), 0.5), (labels(names[1]), 0.9)],
        }
    )
    rows = slo_statuses(entry, series)
    assert [row.name for row in rows[:2]] == names[:2]
    first = rows[0]
    budget = entry.slos.slos[0].error_budget
    assert first.sli == pytest.approx(100 * (1 - 0.0005))
    assert first.burn_rate_1h == pytest.approx(0.002 / budget)
    assert first.exhaustion_hours == pytest.approx(0.5 * PERIOD_HOURS / (0.002 / budget))
    assert rows[1].burn_rate_1h is None  # NaN (no events) is no number
    assert all(row.budget_remaining is None for row in rows[2:])  # unknown last
    assert {row.name for row in slo_statuses(entry, None)} == set(names)


def test_on_call_now_and_next_follow_the_weekly_rota(catalog: Catalog) -> None:
    team = catalog.teams.teams["payments"]
    sunday = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    found = on_call(catalog, team, sunday)
    assert found["on_call"]["id"] == team.oncall_at(sunday)
    assert found["handover_at"] == "2026-11-30T00:00:00+00:00"
    assert found["next_on_call"]["id"] == team.oncall_at(datetime(2026, 11, 30, tzinfo=UTC))


def test_the_dependency_strip_merges_service_yaml_and_zipkin(catalog: Catalog) -> None:
    orders = catalog.services["orders"]
    links = [
        {"parent": "storefront", "child": "orders", "callCount": 7, "errorCount": 1},
        {"parent": "orders", "child": "inventory", "callCount": 3},
        {"parent": "notifications", "child": "orders", "callCount": 2},
    ]
    strip = {(e.service, e.relation, e.via): e for e in dependency_strip(catalog, orders, links)}
    storefront = strip[("storefront", CALLED_BY, "shop.orders.v1.OrderService")]
    traced = (storefront.team, storefront.traced_calls, storefront.traced_errors)
    assert traced == ("storefront", 7, 1)
    assert strip[("inventory", CALLS, "shop.inventory.v1.InventoryService")].traced_calls == 3
    assert strip[("inventory", CONSUMED_BY, "orders.v1")].traced_calls is None  # events: no link
    assert strip[("payments", CONSUMED_BY, "orders.v1")].team == "payments"
    undeclared = strip[("notifications", TRACED_FROM, "")]
    assert (undeclared.declared, undeclared.team) == (False, "customer-comms")


def test_the_console_and_grafana_read_one_panel_list(catalog: Catalog) -> None:
    entry = catalog.services["orders"]
    grafana = service_dashboard(catalog, entry)["panels"]
    titles = [p["title"] for p in grafana if p["type"] != "row"]
    assert titles == [panel.title for row in service_rows(entry) for panel in row.panels]
    rate = service_rows(entry)[1].panels[0]
    assert rate_interval(30, 5) == "35s" and rate_interval(5, 5) == "20s"
    assert "[35s]" in range_query(rate, step_seconds=30, scrape_seconds=5)
    assert legend_text("{{topic}} {{outcome}}", {"topic": "orders.v1", "outcome": "handled"}) == (
        "orders.v1 handled"
    )
    assert legend_text("{{slo}}", {"service": "orders"}) == '{service="orders"}'


def test_a_nan_sample_is_a_gap_in_strict_json(catalog: Catalog) -> None:
    entry = catalog.services["orders"]
    rows = service_rows(entry)
    panel = rows[0].panels[1]
    window = Window.ending(3600 * 1000, "1h")
    matrix = [({"slo": "x"}, [(1.0, 0.5), (2.0, sample_value("NaN")), (3.0, sample_value("+Inf"))])]
    chart = Chart(rows[0].title, panel, "q", window, Reading("Prometheus", matrix))
    encoded = json.dumps(chart.as_json(), allow_nan=False)
    assert json.loads(encoded)["series"] == [
        {"name": "x", "points": [[1.0, 0.5], [2.0, None], [3.0, None]], "latest": 0.5}
    ]
    assert (window.end - window.start, window.step) == (3600, 30)
