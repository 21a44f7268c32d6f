"""The on-call console of the running shop, in Debian's headless Chromium.

Its three pages load without a console error (screenshots under test-results/console/), the team
page agrees with slo.yaml and teams.yaml, and a chart plots exactly what Prometheus query_range
returns for the same query and range.
"""

import math
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from console_browser import CONSOLE, console_page
from homefield.catalog import Catalog
from shop_client import ShopClient, order_body

pytestmark = pytest.mark.system
PROMETHEUS = "http://127.0.0.1:9090"
SCRAPE_SECONDS = 5


@pytest.mark.usefixtures("running_shop")
def test_the_three_pages_and_their_json_twins_load_without_errors() -> None:
    pages = {"index": "/", "team-payments": "/teams/payments", "service-orders": "/services/orders"}
    with console_page() as tab:
        for name, path in pages.items():
            tab.open(path)
            tab.page.wait_for_load_state("networkidle")
            assert tab.screenshot(name).stat().st_size > 0
        tab.assert_no_errors()
    for twin in ("/api/teams", "/api/teams/payments", "/api/services/orders"):
        response = httpx.get(CONSOLE + twin, timeout=30)
        assert response.status_code == 200, twin
        assert set(response.json()["sources"].values()) == {"up"}, twin


def test_the_team_page_matches_slo_yaml_and_the_rota(shop: ShopClient) -> None:
    catalog = Catalog.load(shop.repo)
    team = catalog.teams.teams["fulfillment"]
    expected = {
        (entry.name, slo.name, f"{slo.objective:g}%")
        for entry in catalog.services.values()
        if entry.team == "fulfillment"
        for slo in entry.slos.slos
    }
    with console_page() as tab:
        tab.open("/teams/fulfillment")
        rows = tab.page.locator("table.slos tbody tr")
        shown = {
            (
                rows.nth(i).locator("td").nth(0).inner_text().strip(),
                rows.nth(i).get_attribute("data-slo"),
                rows.nth(i).locator("td").nth(1).inner_text().strip(),
            )
            for i in range(rows.count())
        }
        on_call = tab.page.locator("#on-call-now").inner_text().strip()
        tab.assert_no_errors()
    assert shown == expected
    assert on_call == catalog.teams.people[team.oncall_at(datetime.now(UTC))].name
    twin = httpx.get(f"{CONSOLE}/api/teams/fulfillment", timeout=30).json()
    for service in twin["services"]:
        budgets = [s["budget_remaining"] for s in service["slos"]]
        known = [b for b in budgets if b is not None]
        assert known == sorted(known) and budgets[: len(known)] == known  # lowest first


def prometheus_range(query: str, start: str, end: str, step: str) -> dict[str, list[list[float]]]:
    params = {"query": query, "start": start, "end": end, "step": step}
    body = httpx.get(f"{PROMETHEUS}/api/v1/query_range", params=params, timeout=30).json()
    assert body["status"] == "success", body
    return {  # NaN is a gap in a chart: no point
        item["metric"]["grpc_method"]: [
            [float(t), float(v)] for t, v in item["values"] if math.isfinite(float(v))
        ]
        for item in body["data"]["result"]
    }


def plotted(tab: Any, figure_id: str) -> dict[str, list[list[float]]]:
    """The points the chart library holds for each series: (x, y) where y is not null."""
    return tab.page.evaluate(
        """id => {
            const chart = window.homefieldCharts[id];
            const [xs, ...ys] = chart.data;
            const out = {};
            ys.forEach((y, i) => {
                out[chart.series[i + 1].label] = xs
                    .map((x, j) => [x, y[j]])
                    .filter(point => point[1] !== null);
            });
            return out;
        }""",
        figure_id,
    )


def test_a_chart_plots_what_prometheus_query_range_returns(shop: ShopClient) -> None:
    for _ in range(10):
        assert shop.place(order_body()).status_code == 202
    with console_page() as tab:
        deadline = time.monotonic() + 120
        while True:  # until the chart has points and its last step's scrapes have all landed
            tab.open("/services/orders")
            figure = tab.page.locator(
                "figure.chart[data-query^='sum by (grpc_method) (rate(grpc_server_handled_total']"
            ).first
            settled = int(figure.get_attribute("data-end") or 0) + 2 * SCRAPE_SECONDS
            if figure.locator(".plot").count() and time.time() >= settled:
                break
            assert time.monotonic() < deadline, "the orders Rate chart has no points"
            time.sleep(max(1.0, min(settled - time.time(), SCRAPE_SECONDS)))
        figure_id = figure.get_attribute("id") or ""
        attributes = [
            figure.get_attribute(k) or "" for k in ("data-start", "data-end", "data-step")
        ]
        chart_query = figure.get_attribute("data-query") or ""
        tab.assert_no_errors()
        points = plotted(tab, figure_id)
    expected = prometheus_range(chart_query, *attributes)
    assert "PlaceOrder" in expected and expected["PlaceOrder"], expected
    assert points == expected
