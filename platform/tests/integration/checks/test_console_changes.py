"""The console's recent changes: sign-offs from verdict notes, "unknown" without one, overrides
from the ledger, home or away per touched service."""

from __future__ import annotations

from homefield.catalog import Catalog
from homefield.console.changes import UNKNOWN, ChangeHistory
from homefield.ownership import GitRepo
from homefield.ownership.notes import ServiceVerdict, VerdictNote, write_note


def verdict(head: str, *, bar_raiser: str | None) -> VerdictNote:
    return VerdictNote(
        verdict="pass",
        base="b" * 40,
        head=head,
        author="dan",
        author_login="dan-gh",
        author_teams=("fulfillment",),
        approvals=("alice",),
        bar_raiser=bar_raiser,
        high_impact=("a new dependency",),
        override=None,
        services=(ServiceVerdict("orders", "checkout", away=True),),
        recorded_at="2026-11-29T20:00:00Z",
    )


def test_a_noted_change_shows_its_sign_off_and_others_say_unknown(scratch) -> None:
    scratch.append("services/orders/PRFAQ.md", "More.\n")
    noted = scratch.commit("dan", "orders: faster checkout")
    scratch.append("services/orders/PRFAQ.md", "Even more.\n")
    scratch.append("services/inventory/PRFAQ.md", "Stock.\n")
    plain = scratch.commit("alice", "orders and inventory: wording")
    repo = GitRepo(scratch.root)
    history = ChangeHistory(repo)
    catalog = Catalog.load(scratch.root)

    before = history.recent(catalog, ["orders", "inventory"])
    assert before["orders"][1].bar_raiser == UNKNOWN  # no note yet
    write_note(repo, noted, verdict(noted, bar_raiser="quinn"))
    rows = history.recent(catalog, ["orders", "inventory"])

    first, second = rows["orders"][0], rows["orders"][1]
    assert (first.sha, first.verified, first.bar_raiser) == (plain, False, UNKNOWN)
    assert (first.author, first.author_team, first.home_or_away) == ("alice", "checkout", "home")
    assert (second.sha, second.verified, second.bar_raiser) == (noted, True, "quinn")
    assert (second.author_team, second.home_or_away) == ("fulfillment", "away")
    inventory = rows["inventory"][0]
    assert (inventory.sha, inventory.home_or_away) == (plain, "away")  # alice is checkout


def test_an_override_from_the_ledger_is_shown(scratch) -> None:
    scratch.append("services/orders/slo.yaml", "")
    scratch.append("services/orders/PRFAQ.md", "Overridden.\n")
    sha = scratch.commit(
        "bob", "orders: relax the SLO\n\nBar-Raiser-Override: launch needs it today"
    )
    rows = ChangeHistory(GitRepo(scratch.root)).recent(Catalog.load(scratch.root), ["orders"])
    assert (rows["orders"][0].sha, rows["orders"][0].override) == (sha, "launch needs it today")
