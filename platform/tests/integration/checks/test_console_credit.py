"""The console's team page shows credit: read in the background from a scratch repository's
history, then shown as impact, contributed and received with the InnerSource ratio."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from homefield.console.app import ConsoleConfig, build_app
from homefield.console.credit import CreditBoard
from homefield.console.sources import Endpoints
from homefield.local.health import free_port
from homefield.ownership import GitRepo

READ_SECONDS = 60  # a handful of changes, a few git commands each, on a busy machine


def away_change(scratch) -> None:
    scratch.append("services/inventory/service.yaml", "calls: [shop.orders.v1.OrdersService]\n")
    scratch.commit("dan", "inventory calls orders")
    scratch.append("services/orders/PRFAQ.md", "Faster.\n")
    scratch.commit("dan", "orders: faster")


def settled(board: CreditBoard, team: str, services: list[str]) -> dict:
    deadline = time.monotonic() + READ_SECONDS
    while True:
        view = board.team(team, services)
        if view["since"] and not view["status"]:
            return view
        assert time.monotonic() < deadline, view["status"]
        time.sleep(0.1)


def test_the_board_reads_in_the_background_and_follows_new_commits(scratch):
    away_change(scratch)
    board = CreditBoard(GitRepo(scratch.root))
    checkout = settled(board, "checkout", ["orders"])
    assert [(r["service"], r["from_team"], r["changes"]) for r in checkout["received"]] == [
        ("orders", "fulfillment", 1)
    ]
    assert checkout["innersource"] == [{"service": "orders", "ratio": 1.0}]
    scratch.append("services/orders/PRFAQ.md", "Home again.\n")
    scratch.commit("alice", "orders: home")
    deadline = time.monotonic() + READ_SECONDS
    while settled(board, "checkout", ["orders"])["innersource"][0]["ratio"] != 0.5:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert [r["home"] for r in board.team("checkout", ["orders"])["impact"]] == [True]


def test_the_team_page_shows_the_credit_tables(scratch):
    away_change(scratch)
    dead = {name: f"http://127.0.0.1:{free_port()}" for name in ("p", "a", "z")}
    app = build_app(ConsoleConfig(scratch.root, Endpoints(dead["p"], dead["a"], dead["z"]), 0))
    with TestClient(app) as client:
        deadline = time.monotonic() + READ_SECONDS
        while (view := client.get("/api/teams/fulfillment").json())["credit"]["status"]:
            assert time.monotonic() < deadline, view["credit"]["status"]
            time.sleep(0.1)
        assert view["credit"]["contributed"][0]["service"] == "orders"
        page = client.get("/teams/fulfillment")
    assert page.status_code == 200
    html = page.text
    assert "Contributed: away changes this team made" in html
    assert "<td>orders</td><td>checkout</td><td>1</td>" in html
