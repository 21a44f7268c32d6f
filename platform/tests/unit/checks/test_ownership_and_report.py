"""Prow resolution over an in-memory index, and the three report formats."""

from __future__ import annotations

from homefield.catalog import Owners, parse_teams
from homefield.checks.model import BarRaiser, Finding, Override, Report, ServiceTouch
from homefield.checks.report import render_markdown, render_text, to_json
from homefield.ownership import OwnersIndex

TEAMS = parse_teams(
    """\
people:
  pat: {name: Pat, email: pat@shop.test, github: pat-gh}
  alice: {name: Alice, email: alice@shop.test, github: alice-gh}
  bob: {name: Bob, email: bob@shop.test, github: bob-gh}
teams:
  platform: {members: [pat], oncall: [pat], channel: "#platform"}
  checkout: {members: [alice, bob], oncall: [bob, alice], channel: "#checkout"}
"""
)


def index(**owners: Owners) -> OwnersIndex:
    return OwnersIndex(TEAMS, {k.replace("__", "/"): v for k, v in owners.items()}, [])


ROOT = Owners(team="platform", approvers=["pat"])
ORDERS = Owners(team="checkout", approvers=["alice"], reviewers=["bob"])


def test_resolution_walks_up_taking_the_union() -> None:
    ownership = index(**{"": ROOT, "services__orders": ORDERS}).resolve(
        "services/orders/src/orders/handlers.py"
    )
    assert ownership.team == "checkout"
    assert ownership.approvers == ["alice", "pat"]
    assert ownership.reviewers == ["bob"]
    assert ownership.decided_by == "services/orders/OWNERS"
    assert ownership.approvers_of("checkout") == ["alice"]


def test_no_parent_owners_stops_the_walk() -> None:
    sealed = Owners(team="checkout", approvers=["alice"], no_parent_owners=True)
    ownership = index(**{"": ROOT, "services__orders": sealed}).resolve("services/orders/x.py")
    assert ownership.approvers == ["alice"]


def test_a_path_with_no_owners_file_above_is_unowned() -> None:
    ownership = index(services__orders=ORDERS).resolve("docs/notes.md")
    assert not ownership.owned
    assert ownership.team is None


def report_with_override() -> Report:
    touch = ServiceTouch("orders", "checkout", "away", 1, ("alice",), ("a",), 500)
    raiser = BarRaiser(
        required=True,
        reasons=["away change of 500 lines to tier-1 orders (more than 400)"],
        eligible=["quinn"],
        override=Override("refund outage", "c" * 40, "dan"),
    )
    warning = Finding("bar-raiser.required", "warn", "OVERRIDDEN by dan")
    return Report("b" * 40, "h" * 40, "dan", "fulfillment", [touch], [warning], [], [], [], raiser)


def test_an_override_is_prominent_in_every_format() -> None:
    report = report_with_override()
    assert report.verdict == "pass"
    assert "!!! BAR-RAISER OVERRIDE by dan in cccccccccccc: refund outage" in render_text(report)
    assert "> [!WARNING]" in render_markdown(report)
    assert to_json(report)["bar_raiser"]["override"] == {
        "reason": "refund outage",
        "commit": "c" * 40,
        "by": "dan",
    }


def test_a_blocking_finding_blocks_the_verdict() -> None:
    report = report_with_override()
    report.findings.append(Finding("metrics.naming", "block", "bad", "orders", "x.py"))
    assert to_json(report)["verdict"] == "blocked"
    assert render_text(report).startswith("homefield check: BLOCKED")
