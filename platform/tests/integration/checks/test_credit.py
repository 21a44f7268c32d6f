"""`homefield credit` on scratch repositories: merges, fast-forwards, a rename across services,
an author in no team and a verdict note, attributed to teams as `homefield check` would."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from homefield.ownership import GitRepo
from homefield.ownership.notes import ServiceVerdict, VerdictNote, write_note

from .conftest import Homefield, ScratchRepo

NEW_TEST = (
    "\n\ndef test_more() -> None:\n    assert 2 > 1\n\n\ndef test_again() -> None:\n    pass\n"
)
SINCE = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")


def merge(scratch, branch: str, person: str) -> str:
    scratch.git(
        "-c", f"user.name={person}", "-c", f"user.email={person}@shop.test",
        "merge", "-q", "--no-ff", "-m", f"merge {branch}", branch,
    )  # fmt: skip
    return scratch.git("rev-parse", "HEAD")


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Five changes on main, built once for the module: see each step's comment."""
    scratch = ScratchRepo(tmp_path_factory.mktemp("credit"))
    # 1. fulfillment makes inventory call orders (home, fast-forward).
    scratch.append("services/inventory/service.yaml", "calls: [shop.orders.v1.OrdersService]\n")
    scratch.commit("dan", "inventory calls orders")
    # 2. checkout changes orders (home, fast-forward).
    scratch.append("services/orders/src/orders/handlers.py", "\nLIMIT = 3\n")
    scratch.commit("alice", "orders limit")
    # 3. fulfillment's dan changes orders on a branch with two tests; alice merges it (away).
    scratch.git("checkout", "-q", "-b", "away")
    scratch.append("services/orders/src/orders/handlers.py", "\nRETRIES = 2\n")
    scratch.append("services/orders/tests/unit/test_orders.py", NEW_TEST)
    scratch.append("services/orders/CHANGELOG.md", "- retries (fulfillment)\n")
    scratch.commit("dan", "orders retries")
    scratch.git("checkout", "-q", "main")
    merge(scratch, "away", "alice")
    # 4. erin (fulfillment) moves a module from inventory into orders: home and away at once.
    scratch.write("services/inventory/src/inventory/pricing.py", "RATE = 1\n" * 20)
    scratch.commit("erin", "pricing in inventory")
    scratch.git("mv", "services/inventory/src/inventory/pricing.py", "services/orders/src/orders/")
    scratch.commit("erin", "pricing moves to orders")
    # 5. someone in no team edits inventory.
    scratch.append("services/inventory/PRFAQ.md", "A guest line.\n")
    scratch.commit("zed", "guest edit")
    return scratch


def credit(homefield, *args: str) -> dict:
    code, out, err = homefield.run(
        "credit", "--since", SINCE, "--rev", "HEAD", "--no-impact", "--format", "json", *args
    )
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def report(history) -> dict:
    with pytest.MonkeyPatch.context() as patch:
        return credit(Homefield(history, patch))


def team(report: dict, name: str) -> dict:
    return next(t for t in report["teams"] if t["team"] == name)


def test_the_json_matches_the_contract(report):
    assert set(report) == {"since", "innersource", "teams"} and report["since"] == SINCE
    assert set(report["innersource"][0]) == {"service", "ratio"}
    fulfillment = team(report, "fulfillment")
    assert set(fulfillment) == {"team", "impact", "contributed", "received"}
    impact_keys = {"change", "merged_at", "service", "home", "downstream", "slo_after"}
    assert impact_keys <= set(fulfillment["impact"][0])
    assert set(fulfillment["contributed"][0]) == {
        "service", "home_team", "changes", "lines", "tests_added", "downstream", "slo_after",
    }  # fmt: skip
    assert set(team(report, "checkout")["received"][0]) == {
        "service", "from_team", "changes", "lines",
    }  # fmt: skip


def test_a_merged_away_change_credits_the_author_team_and_the_home_team_receives(report):
    contributed = {c["service"]: c for c in team(report, "fulfillment")["contributed"]}
    orders = contributed["orders"]
    # the merged branch (3 files, 12 lines) and the rename's arrival (the new path, 20 lines)
    assert (orders["home_team"], orders["changes"], orders["tests_added"]) == ("checkout", 2, 2)
    assert orders["downstream"] == ["inventory"]
    received = team(report, "checkout")["received"]
    assert {"service": "orders", "from_team": "fulfillment", "changes": 2} == {
        k: received[0][k] for k in ("service", "from_team", "changes")
    }
    assert received[0]["lines"] == orders["lines"] > 20


def test_home_changes_appear_in_impact_but_not_as_contributions(report):
    checkout = team(report, "checkout")
    assert [(r["service"], r["home"]) for r in checkout["impact"]] == [("orders", True)]
    assert checkout["impact"][0]["downstream"] == ["inventory"]
    assert checkout["contributed"] == []
    home = [(r["service"], r["home"]) for r in team(report, "fulfillment")["impact"]]
    assert home.count(("inventory", True)) == 3 and home.count(("orders", False)) == 2


def test_a_rename_across_services_touches_both(history, report):
    moved = [
        r
        for r in team(report, "fulfillment")["impact"]
        if r["change"] == history.git("rev-parse", "HEAD~1")
    ]
    assert sorted((r["service"], r["home"]) for r in moved) == [
        ("inventory", True),
        ("orders", False),
    ]


def test_an_author_in_no_team_is_credited_to_no_team(report):
    guest = team(report, "(no team)")
    assert [c["service"] for c in guest["contributed"]] == ["inventory"]
    received = team(report, "fulfillment")["received"]
    assert [(r["service"], r["from_team"]) for r in received] == [("inventory", "(no team)")]


def test_the_innersource_ratio_is_away_changes_over_all(report):
    ratios = {r["service"]: r["ratio"] for r in report["innersource"]}
    # orders: alice (home), dan's merge (away), erin's rename (away); inventory: dan, erin x2
    # (home), zed (away)
    assert ratios == {"orders": round(2 / 3, 4), "inventory": 0.25}


def test_a_verdict_note_names_the_author_and_the_bar_raiser(scratch, homefield):
    scratch.append("services/orders/PRFAQ.md", "More.\n")
    head = scratch.commit("bob")  # committed from a checkout team email, but opened by dan
    note = VerdictNote(
        verdict="pass", base=scratch.base, head=head, author="dan", author_login="dan-gh",
        author_teams=("fulfillment",), approvals=("alice",), bar_raiser="quinn",
        high_impact=("orders: large",), override=None,
        services=(ServiceVerdict("orders", "checkout", away=True),), recorded_at="",
    )  # fmt: skip
    write_note(GitRepo(scratch.root), head, note)
    report = credit(homefield)
    row = team(report, "fulfillment")["impact"][0]
    assert (row["service"], row["home"], row["verified"], row["bar_raiser"]) == (
        "orders", False, True, "quinn",
    )  # fmt: skip
    checkout = team(report, "checkout")  # bob's email is not what counts: the note is
    assert checkout["impact"] == [] and checkout["received"][0]["from_team"] == "fulfillment"


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--since", "yesterday"], "--since 'yesterday' is not a YYYY-MM-DD date"),
        (["--since", "2999-01-01"], "--since 2999-01-01 is in the future"),
        (["--rev", "no-such-branch"], "unknown revision 'no-such-branch'"),
        (["--prometheus", "file:///etc/passwd"], "--prometheus must be an http(s) URL"),
    ],
)
def test_hostile_input_is_refused_in_one_line(homefield, args, problem):
    code, _, err = homefield.run("credit", *args)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"error: {problem}"), err


def test_without_prometheus_the_report_says_so_in_one_line(history, monkeypatch):
    code, out, err = Homefield(history, monkeypatch).run(
        "credit",
        "--since",
        SINCE,
        "--rev",
        "HEAD",
        "--prometheus",
        "http://127.0.0.1:9",
        "--format",
        "text",
    )
    assert code == 0, err
    assert "impact figures left out: Prometheus at http://127.0.0.1:9 did not answer" in out
    assert "== fulfillment ==" in out


def test_owners_are_read_at_each_change_base_not_today(scratch, homefield):
    scratch.append("services/orders/PRFAQ.md", "Before the move.\n")
    scratch.commit("dan", "dan's away change")
    teams = (scratch.root / "teams.yaml").read_text()
    scratch.write(
        "teams.yaml",
        teams.replace("members: [alice, bob, carol]", "members: [alice, bob, carol, dan]"),
    )
    scratch.commit("pat", "dan joins checkout too")
    scratch.append("services/orders/PRFAQ.md", "After the move.\n")
    scratch.commit("dan", "dan's home change")
    report = credit(homefield)
    rows = [(r["service"], r["home"]) for r in team(report, "checkout")["impact"]]
    assert rows == [("orders", True)]  # only the change made once dan was on checkout
    assert [c["changes"] for c in team(report, "fulfillment")["contributed"]] == [1]
