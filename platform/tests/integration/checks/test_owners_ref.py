"""Owners come from the default branch's tip (`--owners-ref`), never from a base the PR chose."""

from __future__ import annotations


def test_a_base_branch_that_makes_the_author_an_owner_changes_nothing(scratch, homefield):
    scratch.git("checkout", "-q", "-b", "evil")
    teams = (scratch.root / "teams.yaml").read_text()
    scratch.write("teams.yaml", teams.replace("[alice, bob, carol]", "[alice, bob, carol, dan]"))
    scratch.write("services/orders/OWNERS", "team: checkout\napprovers: [alice, bob, dan]\n")
    evil = scratch.commit("dan", "dan owns orders on this branch")
    scratch.append("services/orders/src/orders/handlers.py", "\nX = 1\n")
    scratch.commit("dan", "an unreviewed orders change")
    result = homefield.check("--base", evil)
    (orders,) = result.report["services"]
    assert orders["contribution"] == "away"
    assert "approvals.home-team-required" in result.rules()
    assert result.code == 1


def test_an_unknown_owners_ref_is_exit_2_naming_it(scratch, homefield):
    code, _, err = homefield.run("check", "--base", scratch.base, "--owners-ref", "nope")
    assert code == 2
    assert "unknown revision 'nope'" in err
