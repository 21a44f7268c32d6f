"""Deviations, planned-growth marks and retired teams in `homefield check` and the scorecard,
on scratch repositories."""

from __future__ import annotations

import json

ORDERS_SPEC = "services/orders/service.yaml"
NO_EVIDENCE = "deviations:\n  - {standard: dashboard, reason: we keep our own board}\n"
WITH_EVIDENCE = (
    "deviations:\n  - {standard: dashboard, reason: we keep our own board,"
    " evidence: loadtests/RESULTS.md}\n"
)


def _add_deviation(scratch, person: str, text: str) -> None:
    scratch.append(ORDERS_SPEC, text)
    scratch.append("services/orders/CHANGELOG.md", "- a dashboard of our own (fulfillment)\n")
    scratch.commit(person, "orders: deviate from the generated dashboard")


def test_a_deviation_without_evidence_warns_the_home_team(scratch, homefield):
    _add_deviation(scratch, "alice", NO_EVIDENCE)
    result = homefield.check()
    assert "deviations.evidence-required" in result.rules("warn")
    assert "deviations.evidence-required" not in result.rules("block")
    assert (
        "added by the home team without evidence"
        in result.messages("deviations.evidence-required")[0]
    )


def test_a_deviation_without_evidence_blocks_an_away_team(scratch, homefield):
    _add_deviation(scratch, "dan", NO_EVIDENCE)
    result = homefield.check()
    assert "deviations.evidence-required" in result.rules("block")
    assert result.code == 1


def test_a_deviation_with_evidence_raises_nothing(scratch, homefield):
    _add_deviation(scratch, "dan", WITH_EVIDENCE)
    result = homefield.check()
    assert "deviations.evidence-required" not in result.rules("warn") | result.rules("block")


def test_a_deviation_from_a_house_rule_is_refused(scratch, homefield):
    scratch.append(ORDERS_SPEC, "deviations:\n  - {standard: tests, reason: no time}\n")
    scratch.commit("alice", "orders: skip tests")
    result = homefield.check()
    messages = result.messages("service.invalid")
    assert messages and "no deviation is allowed from 'tests'" in messages[0]
    assert result.code == 1


def test_an_expired_planned_mark_warns(scratch, homefield):
    scratch.append(
        ORDERS_SPEC,
        "planned_growth:\n  - {signal: cpu, until: 2020-01-31, reason: launch, link: PRFAQ.md}\n",
    )
    scratch.commit("alice", "orders: plan growth")
    result = homefield.check()
    messages = result.messages("usage.planned-expired")
    assert messages == [
        "planned growth of cpu ended on 2020-01-31 (launch): remove the mark or give it a new date"
    ]
    assert "usage.planned-expired" in result.rules("warn")


def test_services_of_a_retired_team_are_flagged_by_check_and_scorecard(scratch, homefield):
    teams = scratch.root / "teams.yaml"
    text = teams.read_text().replace(
        '    channel: "#fulfillment"', '    channel: "#fulfillment"\n    retired: true'
    )
    scratch.write("teams.yaml", text)
    scratch.base = scratch.commit("pat", "retire fulfillment")
    scratch.append("services/orders/src/orders/handlers.py", "\n")
    scratch.commit("alice", "orders: whitespace")
    result = homefield.check()
    assert result.messages("teams.retired") == [
        "inventory is still owned by the retired team fulfillment: transfer it"
        " (`homefield transfer inventory --to TEAM`) or delete it"
    ]
    code, out, _ = homefield.run("scorecard", "--format", "json")
    scores = {s["name"]: s for s in json.loads(out)}
    assert "team fulfillment is retired" in scores["inventory"]["problems"]["team"]
    assert scores["orders"]["problems"]["team"] is None
    failing = {name for name, s in scores.items() if not s["passed"]}
    assert failing == {"inventory"}, out


def test_the_scorecard_shows_a_deviation_with_its_reason_instead_of_failing(scratch, homefield):
    scratch.append(
        "services/orders/src/orders/handlers.py",
        "\n\ndef call(stub):\n    return stub.Get(1, timeout=3)\n",
    )
    scratch.commit("alice", "orders: own timeout")
    code, out, _ = homefield.run("scorecard", "--format", "json")
    orders = {s["name"]: s for s in json.loads(out)}["orders"]
    assert "retries-timeouts" in orders["problems"]["defaults"]
    assert code == 1  # tier 1
    scratch.append(
        ORDERS_SPEC,
        "deviations:\n  - {standard: retries-timeouts, reason: the gateway needs 3 s,"
        " evidence: loadtests/RESULTS.md}\n",
    )
    scratch.commit("alice", "orders: declare the timeout")
    code, out, _ = homefield.run("scorecard")
    assert code == 0
    assert "deviates" in out
    assert "orders: retries-timeouts: the gateway needs 3 s (evidence: loadtests/RESULTS.md)" in out
