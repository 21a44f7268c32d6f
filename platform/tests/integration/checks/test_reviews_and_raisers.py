"""CHANGES_REQUESTED as GitHub has it (item 9) and independent bar raisers (item 8)."""

from __future__ import annotations

import json

CHANGES_REQUESTED = "approvals.changes-requested"


def away_fix(scratch):
    scratch.append("services/orders/src/orders/handlers.py", "\n\ndef f() -> int:\n    return 0\n")
    test = "\n\ndef test_f() -> None:\n    assert True\n"
    scratch.append("services/orders/tests/unit/test_orders.py", test)
    scratch.append("services/orders/CHANGELOG.md", "- f (fulfillment)\n")
    return scratch.commit("dan", "orders: f")


def _reviews(scratch, *votes):
    path = scratch.root.parent / "reviews.json"
    path.write_text(
        json.dumps(
            [
                {"user": {"login": f"{who}-gh"}, "state": state, "commit_id": commit}
                for who, state, commit in votes
            ]
        )
    )
    return path


def test_another_home_approvers_changes_requested_blocks(scratch, homefield):
    head = away_fix(scratch)
    reviews = _reviews(scratch, ("alice", "APPROVED", head), ("bob", "CHANGES_REQUESTED", head))
    result = homefield.check(reviews=reviews)
    assert result.rules() == {CHANGES_REQUESTED}
    assert "bob" in result.messages(CHANGES_REQUESTED)[0]
    assert result.code == 1


def test_changes_requested_on_an_older_commit_still_blocks(scratch, homefield):
    first = away_fix(scratch)
    scratch.append("services/orders/CHANGELOG.md", "- more (fulfillment)\n")
    head = scratch.commit("dan")
    reviews = _reviews(scratch, ("bob", "CHANGES_REQUESTED", first), ("alice", "APPROVED", head))
    assert homefield.check(reviews=reviews).rules() == {CHANGES_REQUESTED}


def test_a_dismissed_or_later_approved_request_no_longer_blocks(scratch, homefield):
    head = away_fix(scratch)
    dismissed = _reviews(
        scratch,
        ("alice", "APPROVED", head),
        ("bob", "CHANGES_REQUESTED", head),
        ("bob", "DISMISSED", head),
    )
    assert homefield.check(reviews=dismissed).code == 0
    approved = _reviews(
        scratch,
        ("bob", "CHANGES_REQUESTED", head),
        ("bob", "COMMENTED", head),
        ("bob", "APPROVED", head),
    )
    assert homefield.check(reviews=approved).code == 0


def test_a_non_owner_requesting_changes_does_not_block(scratch, homefield):
    head = away_fix(scratch)
    reviews = _reviews(scratch, ("alice", "APPROVED", head), ("ines", "CHANGES_REQUESTED", head))
    assert homefield.check(reviews=reviews).code == 0


def test_a_platform_approver_is_not_the_bar_raiser_of_a_root_owned_change(scratch, homefield):
    scratch.append("OWNERS", "reviewers: [rosa]\n")
    scratch.commit("dan", "rosa reviews")
    result = homefield.check(reviews=scratch.reviews("quinn"))
    assert "quinn" not in result.report["bar_raiser"]["eligible"]
    assert result.report["bar_raiser"]["satisfied_by"] is None
    assert result.code == 1
    assert homefield.check(reviews=scratch.reviews("quinn", "hiro")).code == 0


def test_an_author_in_two_teams_gets_no_bar_raiser_from_either(scratch, homefield):
    text = (scratch.root / "teams.yaml").read_text()
    scratch.write("teams.yaml", text.replace("[gina, hiro, ines]", "[gina, hiro, ines, dan]"))
    scratch.base = scratch.commit("pat", "dan also in payments")
    scratch.append("services/inventory/service.yaml", "consumes: [orders.v1]\n")
    scratch.commit("dan", "inventory consumes orders")
    result = homefield.check(reviews=scratch.reviews("hiro"))
    assert result.report["bar_raiser"]["eligible"] == ["quinn"]
    assert result.report["bar_raiser"]["satisfied_by"] is None
    assert result.code == 1


def test_nobody_eligible_names_the_rule_and_last_resort_raisers_step_in(scratch, homefield):
    text = (
        (scratch.root / "teams.yaml")
        .read_text()
        .replace("bar_raisers: [quinn, erin, hiro]", "bar_raisers: [quinn]")
    )
    scratch.write("teams.yaml", text)
    scratch.base = scratch.commit("pat", "one bar raiser")
    scratch.append("OWNERS", "reviewers: [rosa]\n")
    scratch.commit("pat", "rosa reviews")
    result = homefield.check(reviews=scratch.reviews("quinn"))
    (message,) = result.messages("bar-raiser.required")
    assert "no bar raiser is eligible under rule bar-raiser.independent" in message
    people = text.replace(
        "people:\n", "people:\n  vic: {name: Vic, email: vic@shop.test, github: vic-gh}\n"
    )
    scratch.write("teams.yaml", people + "bar_raisers_of_last_resort: [vic]\n")
    scratch.base = scratch.commit("pat", "a last resort")
    scratch.append("OWNERS", "reviewers: [rosa, pat]\n")
    scratch.commit("pat", "pat reviews too")
    result = homefield.check(reviews=scratch.reviews("quinn", "vic"))
    assert result.report["bar_raiser"]["satisfied_by"] == "vic"
    assert result.code == 0
