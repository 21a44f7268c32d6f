"""The batched git reader that every check goes through."""

from __future__ import annotations

import pytest
from homefield.ownership import GitError, GitRepo


def test_read_returns_texts_and_none_for_missing_paths_and_directories(scratch):
    scratch.write("docs/a file with spaces.md", "spaced\n")
    head = scratch.commit("pat")
    texts = GitRepo(scratch.root).read(
        head, ["docs/a file with spaces.md", "no/such/file", "services/orders", "README.md"]
    )
    assert texts == {
        "docs/a file with spaces.md": "spaced\n",
        "no/such/file": None,
        "services/orders": None,
        "README.md": "# scratch shop\n",
    }


def test_changes_report_renames_with_their_old_path(scratch):
    scratch.git("mv", "services/orders/PRFAQ.md", "services/orders/PRESS.md")
    scratch.delete("services/inventory/PRFAQ.md")
    head = scratch.commit("bob")
    changes = GitRepo(scratch.root).changes(scratch.base, head)
    summary = {(c.status, c.path, c.old_path) for c in changes}
    assert summary == {
        ("R", "services/orders/PRESS.md", "services/orders/PRFAQ.md"),
        ("D", "services/inventory/PRFAQ.md", None),
    }


def test_an_unknown_revision_is_named(scratch):
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        GitRepo(scratch.root).resolve("nope")


def test_a_newline_in_a_path_shifts_no_other_files_text(scratch):
    scratch.write("docs/evil\nname.md", "evil\n")
    head = scratch.commit("pat")
    repo = GitRepo(scratch.root)
    paths = ["docs/evil\nname.md", "services/orders/service.yaml", "README.md"]
    texts = repo.read(head, paths)
    assert texts["docs/evil\nname.md"] == "evil\n"
    assert texts["services/orders/service.yaml"].startswith("name: orders\n")
    assert texts["README.md"] == "# scratch shop\n"
    assert "docs/evil\nname.md" in {c.path for c in repo.changes(scratch.base, head)}


def test_a_blob_answer_for_another_object_is_refused(scratch, monkeypatch):
    repo = GitRepo(scratch.root)
    readme = repo.tree(scratch.base)["README.md"].blob
    teams = repo.tree(scratch.base)["teams.yaml"].blob
    real_run = repo.run
    monkeypatch.setattr(repo, "run", lambda *a, **_: real_run(*a, stdin=f"{teams}\n".encode()))
    with pytest.raises(GitError, match=f"for blob {readme}"):
        repo.blobs([readme])
