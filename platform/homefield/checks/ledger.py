"""The bar-raiser override ledger: every `Bar-Raiser-Override:` trailer in a branch's history."""

from __future__ import annotations

from dataclasses import dataclass

from homefield.catalog import CatalogError, Teams, parse_teams
from homefield.checks.context import OVERRIDE_TRAILER
from homefield.ownership import GitRepo, service_of


@dataclass(frozen=True)
class LedgerEntry:
    """One override: when, in which commit, for which services, by whom, and why."""

    date: str
    commit: str
    services: tuple[str, ...]
    by: str
    reason: str


def read_ledger(repo: GitRepo, rev: str = "HEAD") -> list[LedgerEntry]:
    """Every override reachable from ``rev``, newest first."""
    sha = repo.resolve(rev)
    overriding = [c for c in repo.commits(sha, OVERRIDE_TRAILER) if c.trailers]
    if not overriding:
        return []
    teams = _teams_at(repo, sha)
    entries: list[LedgerEntry] = []
    for commit in overriding:
        services = sorted({s for p in repo.commit_files(commit.sha) if (s := service_of(p))})
        found = teams.person_by_email(commit.author_email) if teams else None
        by = found or commit.author_email
        for reason in commit.trailers:
            entries.append(LedgerEntry(commit.date[:10], commit.sha, tuple(services), by, reason))
    return entries


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
    lines = [f"{'date':<10}  {'commit':<12}  {'service':<20}  {'by':<10}  reason"]
    for e in entries:
        services = ",".join(e.services) or "-"
        lines.append(f"{e.date:<10}  {e.commit[:12]:<12}  {services:<20}  {e.by:<10}  {e.reason}")
    return "\n".join(lines) + "\n"
