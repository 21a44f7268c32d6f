"""The bar-raiser override ledger: every override in a branch's history, verified or not.

An override is verified when `homefield check --record` wrote a verdict note for the change
that carried it: the note names the opener by their GitHub login, which git cannot forge. A
`Bar-Raiser-Override:` trailer with no note is listed too, as unverified, by its commit's
author email (which anyone can set).
"""

from __future__ import annotations

from dataclasses import dataclass

from homefield.catalog import CatalogError, Teams, parse_teams
from homefield.checks.context import OVERRIDE_TRAILER
from homefield.ownership import GitError, GitRepo, service_of
from homefield.ownership.notes import VerdictNote, all_notes


@dataclass(frozen=True)
class LedgerEntry:
    """One override: when, in which commit, for which services, by whom, why, and verified?"""

    date: str
    commit: str
    services: tuple[str, ...]
    by: str
    reason: str
    verified: bool


def read_ledger(
    repo: GitRepo, rev: str = "HEAD", *, since: str | None = None, after: str | None = None
) -> list[LedgerEntry]:
    """Overrides reachable from ``rev`` (newest first); ``since`` a YYYY-MM-DD date, ``after``
    a revision whose history is left out (what one push landed)."""
    sha = repo.resolve(rev)
    span = f"{repo.resolve(after)}..{sha}" if after else sha
    history = repo.commits(span, OVERRIDE_TRAILER)
    dates = {c.sha: c.date for c in history}
    entries: list[LedgerEntry] = []
    covered: set[str] = set()
    for noted, note in all_notes(repo).items():
        if noted in dates and isinstance(note, VerdictNote) and note.override:
            entries.append(_verified(dates[noted], noted, note))
            covered |= _change_commits(repo, note)
    teams = _teams_at(repo, sha)
    for commit in history:
        if commit.trailers and commit.sha not in covered:
            found = teams.person_by_email(commit.author_email) if teams else None
            by = f"{found or commit.author_email} (unverified: no verdict note)"
            services = _services(repo.commit_files(commit.sha))
            entries += [
                LedgerEntry(commit.date[:10], commit.sha, services, by, reason, verified=False)
                for reason in commit.trailers
            ]
    entries.sort(key=lambda e: dates.get(e.commit, e.date), reverse=True)
    return [e for e in entries if since is None or e.date >= since]


def _verified(date: str, commit: str, note: VerdictNote) -> LedgerEntry:
    by = f"{note.author} (@{note.author_login})" if note.author_login else note.author
    services = tuple(sorted(s.service for s in note.services))
    return LedgerEntry(date[:10], commit, services, by, note.override or "", verified=True)


def _change_commits(repo: GitRepo, note: VerdictNote) -> set[str]:
    try:
        out = repo.run("rev-list", f"{note.base}..{note.head}", "--")
    except GitError:
        return {note.head}
    return set(out.decode().split())


def _services(paths: list[str]) -> tuple[str, ...]:
    return tuple(sorted({s for p in paths if (s := service_of(p))}))


def _teams_at(repo: GitRepo, sha: str) -> Teams | None:
    text = repo.read(sha, ["teams.yaml"])["teams.yaml"]
    if text is None:
        return None
    try:
        return parse_teams(text, "teams.yaml")
    except CatalogError:
        return None


def render_ledger(entries: list[LedgerEntry]) -> str:
    if not entries:
        return "no bar-raiser overrides in this history\n"
    rows = [("date", "commit", "service", "by", "reason")]
    rows += [(e.date, e.commit[:12], ",".join(e.services) or "-", e.by, e.reason) for e in entries]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "".join(
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]])
        + "\n"
        for row in rows
    )
