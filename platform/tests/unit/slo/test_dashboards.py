from pathlib import Path
from typing import Any

import pytest
from homefield.catalog import Catalog
from homefield.slo.dashboards import overview_dashboard, service_dashboard
from homefield.slo.runbooks import runbook_url

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(REPO)


def _rows(board: dict[str, Any]) -> list[str]:
    return [panel["title"] for panel in board["panels"] if panel["type"] == "row"]


def test_service_dashboard_rows_come_in_the_on_call_order(catalog: Catalog) -> None:
    board = service_dashboard(catalog, catalog.services["orders"])
    assert _rows(board) == [
        "SLOs (30d window)",
        "gRPC server",
        "gRPC client (calls)",
        "HTTP server",
        "Kafka consumer",
        "Kafka producer",
        "Saturation",
        "Alerts",
    ]
    assert board["panels"][-1]["type"] == "alertlist"


def test_a_service_without_grpc_or_kafka_has_no_such_rows(catalog: Catalog) -> None:
    rows = _rows(service_dashboard(catalog, catalog.services["storefront"]))
    assert "gRPC server" not in rows and "Kafka consumer" not in rows
    assert "gRPC client (calls)" in rows and "HTTP server" in rows


def test_dashboards_link_the_runbook_and_the_owner(catalog: Catalog) -> None:
    board = service_dashboard(catalog, catalog.services["payments"])
    links = {link["title"]: link.get("url") for link in board["links"]}
    assert links["Runbook"] == runbook_url("payments")
    assert "Owner: payments (#payments)" in links
    assert "team:payments" in board["tags"]


def test_panels_have_unique_ids_and_do_not_overlap(catalog: Catalog) -> None:
    for board in [service_dashboard(catalog, e) for e in catalog.services.values()]:
        board_list = board["panels"]
        assert len({panel["id"] for panel in board_list}) == len(board_list)
        cells = set()
        for panel in board_list:
            pos = panel["gridPos"]
            for x in range(pos["x"], pos["x"] + pos["w"]):
                for y in range(pos["y"], pos["y"] + pos["h"]):
                    assert (x, y) not in cells, (board["uid"], panel["title"])
                    cells.add((x, y))


def test_overview_shows_every_service_budget_and_firing_alerts() -> None:
    board = overview_dashboard()
    exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    assert "100 * slo:error_budget:remaining" in exprs
    assert any("service_info" in expr for expr in exprs)
    assert board["uid"] == "homefield-overview"
