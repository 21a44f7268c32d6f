"""Verdict notes round-trip through git, are found for merged changes, and refuse bad notes."""

from __future__ import annotations

import pytest
from homefield.ownership import GitRepo
from homefield.ownership.notes import (
    NoteError,
    ServiceVerdict,
    VerdictNote,
    note_for_change,
    parse_note,
    read_note,
    write_note,
)


def a_note(head: str) -> VerdictNote:
    return VerdictNote(
        verdict="pass",
        base="b" * 40,
        head=head,
        author="dan",
        author_login="dan-gh",
        author_teams=("fulfillment",),
        approvals=("alice",),
        bar_raiser="quinn",
        high_impact=("a new dependency on shop.inventory.v1.InventoryService",),
        override=None,
        services=(ServiceVerdict("orders", "checkout", away=True),),
        recorded_at="2026-11-29T20:00:00Z",
    )


def test_a_recorded_verdict_reads_back_unchanged(scratch):
    scratch.append("services/orders/PRFAQ.md", "More.\n")
    head = scratch.commit("dan")
    repo = GitRepo(scratch.root)
    assert read_note(repo, head) is None
    write_note(repo, head, a_note(head))
    assert read_note(repo, head) == a_note(head)


def test_a_merge_commit_carries_the_verdict_of_the_head_it_merged(scratch):
    scratch.git("checkout", "-q", "-b", "away")
    scratch.append("services/orders/PRFAQ.md", "More.\n")
    head = scratch.commit("dan")
    scratch.git("checkout", "-q", "main")
    scratch.git(
        "-c",
        "user.name=Alice",
        "-c",
        "user.email=alice@shop.test",
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "merge away",
        "away",
    )
    merge = scratch.git("rev-parse", "HEAD")
    repo = GitRepo(scratch.root)
    assert note_for_change(repo, merge) is None
    write_note(repo, head, a_note(head))
    found = note_for_change(repo, merge)
    assert found is not None and found.head == head and found.bar_raiser == "quinn"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"schema": 2}', "schema 2 is not 1"),
        ('{"schema": 1, "verdict": "pass"}', "'base' is missing"),
        ("[" * 100_000 + "]" * 100_000, "larger than"),
        ("[" * 20_000 + "]" * 20_000, "deeper than the limit of 64"),
    ],
)
def test_a_note_that_is_not_a_verdict_is_refused_with_the_reason(text, problem):
    with pytest.raises(NoteError, match=problem):
        parse_note(text)


def test_a_note_with_a_wrongly_typed_field_names_the_field():
    text = a_note("h" * 40).to_json().replace('"approvals": [\n    "alice"\n  ]', '"approvals": 7')
    with pytest.raises(NoteError, match="approvals"):
        parse_note(text)
