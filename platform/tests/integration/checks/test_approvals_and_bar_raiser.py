"""Approvals from GitHub's reviews JSON, the bar raiser, overrides and the ledger."""

from __future__ import annotations

import json

ORDERS_SRC = "services/orders/src/orders/handlers.py"
ORDERS_TEST = "services/orders/tests/unit/test_orders.py"
ORDERS_CHANGELOG = "services/orders/CHANGELOG.md"


def away_fix(scratch, *, lines=1, trailer=None):
    body = "".join(f"\n\ndef refund_{n}() -> int:\n    return {n}\n" for n in range(lines))
    scratch.append(ORDERS_SRC, body)
    scratch.append(ORDERS_TEST, "\n\ndef test_refund() -> None:\n    assert True\n")
    scratch.append(ORDERS_CHANGELOG, "- refunds (fulfillment)\n")
    message = "orders: refunds" + (f"\n\nBar-Raiser-Override: {trailer}" if trailer else "")
    return scratch.commit("dan", message)


def test_away_change_without_reviews_is_blocked_but_shows_every_finding(scratch, homefield):
    scratch.append(ORDERS_SRC, "\nX = 1\n")
    scratch.commit("dan")
    result = homefield.check()
    assert {"approvals.home-team-required", "away.tests-required"} <= result.rules()
    assert "no --reviews file given" in result.messages("approvals.home-team-required")[0]
    assert result.report["approvals"]["missing"][0]["any_of"] == ["alice", "bob"]


def test_a_reviewer_who_is_not_an_approver_does_not_count(scratch, homefield):
    away_fix(scratch)
    result = homefield.check(reviews=scratch.reviews("carol"))
    assert result.rules() == {"approvals.home-team-required"}
    assert result.report["approvals"]["given"][0]["person"] == "carol"


def test_an_approval_on_an_older_commit_does_not_count(scratch, homefield):
    first = away_fix(scratch)
    scratch.append(ORDERS_SRC, "\nY = 2\n")
    scratch.commit("dan")
    result = homefield.check(reviews=scratch.reviews("alice", commit=first))
    assert result.rules() == {"approvals.home-team-required"}


def test_changes_requested_after_approval_withdraws_it(scratch, homefield):
    away_fix(scratch)
    head = scratch.git("rev-parse", "HEAD")
    reviews = scratch.reviews("alice")
    data = json.loads(reviews.read_text())
    data.append({"user": {"login": "alice-gh"}, "state": "CHANGES_REQUESTED", "commit_id": head})
    reviews.write_text(json.dumps(data))
    assert homefield.check(reviews=reviews).code == 1


def test_a_home_team_approver_on_head_satisfies_the_rule(scratch, homefield):
    away_fix(scratch)
    result = homefield.check(reviews=scratch.reviews("bob"))
    assert result.report["approvals"]["missing"] == []
    assert result.code == 0


def test_an_unknown_author_is_away_everywhere_and_flagged(scratch, homefield):
    scratch.append("services/inventory/src/inventory/handlers.py", "\nZ = 3\n")
    scratch.git("add", "-A")
    scratch.git(
        "-c",
        "user.name=Visitor",
        "-c",
        "user.email=visitor@elsewhere.test",
        "commit",
        "-q",
        "-m",
        "drive-by",
    )
    result = homefield.check()
    assert result.report["author"] == "visitor@elsewhere.test"
    assert result.report["author_team"] is None
    assert result.report["services"][0]["contribution"] == "away"
    assert any("not in teams.yaml" in m for m in result.messages("approvals.home-team-required"))
    assert result.code == 1


def test_large_away_change_to_tier_one_needs_an_outside_bar_raiser(scratch, homefield):
    away_fix(scratch, lines=140)
    result = homefield.check(reviews=scratch.reviews("alice", "erin"))
    assert result.rules() == {"bar-raiser.required"}
    raiser = result.report["bar_raiser"]
    assert raiser["required"] is True
    assert "tier-1 orders" in raiser["reasons"][0]
    assert raiser["eligible"] == ["quinn", "hiro"]
    passed = homefield.check(reviews=scratch.reviews("alice", "hiro"))
    assert passed.report["bar_raiser"]["satisfied_by"] == "hiro"
    assert passed.code == 0


def test_a_new_cross_service_dependency_is_high_impact(scratch, homefield):
    scratch.append("services/orders/service.yaml", "calls: [shop.inventory.v1.InventoryService]\n")
    scratch.commit("alice")
    result = homefield.check()
    assert result.report["bar_raiser"]["reasons"] == [
        "services/orders/service.yaml: new dependency calls shop.inventory.v1.InventoryService"
    ]
    assert result.rules() == {"bar-raiser.required"}


def test_deleted_tests_are_high_impact(scratch, homefield):
    scratch.delete(ORDERS_TEST)
    scratch.commit("alice")
    result = homefield.check()
    assert result.report["bar_raiser"]["reasons"] == [f"{ORDERS_TEST} deleted"]
    assert homefield.check(reviews=scratch.reviews("erin")).code == 0


def test_override_with_a_home_approval_passes_and_lands_in_the_ledger(scratch, homefield):
    away_fix(scratch, lines=140, trailer="hotfix for the refund outage")
    result = homefield.check(reviews=scratch.reviews("alice"))
    override = result.report["bar_raiser"]["override"]
    assert override["reason"] == "hotfix for the refund outage"
    assert override["by"] == "dan"
    assert result.rules("warn") == {"bar-raiser.required"}
    assert result.code == 0
    code, text, _ = homefield.run(
        "check", "--base", scratch.base, "--reviews", str(scratch.reviews("alice"))
    )
    assert "!!! BAR-RAISER OVERRIDE by dan" in text
    code, markdown, _ = homefield.run(
        "check",
        "--base",
        scratch.base,
        "--format",
        "markdown",
        "--reviews",
        str(scratch.reviews("alice")),
    )
    assert "> **BAR-RAISER OVERRIDE by dan" in markdown
    code, ledger, _ = homefield.run("ledger")
    assert code == 0
    row = ledger.splitlines()[1]
    assert "orders" in row and "dan" in row and row.endswith("hotfix for the refund outage")


def test_override_without_a_home_team_approval_still_blocks(scratch, homefield):
    away_fix(scratch, lines=140, trailer="trust me")
    result = homefield.check(reviews=scratch.reviews("carol"))
    assert {"bar-raiser.required", "approvals.home-team-required"} <= result.rules()
    assert result.report["bar_raiser"]["override"] is None
    assert result.code == 1


def test_ledger_is_empty_without_overrides(scratch, homefield):
    away_fix(scratch)
    code, text, _ = homefield.run("ledger")
    assert (code, text) == (0, "no bar-raiser overrides in this history\n")
