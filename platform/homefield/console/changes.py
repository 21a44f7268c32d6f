"""Recent changes to a team's services, from git history, with their sign-offs.

Home or away and the author's team come from the verdict note that `homefield check --record`
wrote for the change (``refs/notes/homefield``) when there is one, else from the author's git
email in teams.yaml (marked unverified). Whether a bar raiser signed off is known only from a
note: without one the page says "unknown". Overrides come from the ledger's trailers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from homefield.catalog import Catalog
from homefield.checks.ledger import read_ledger
from homefield.console.sources import SourceDown
from homefield.ownership import GitError, GitRepo, service_of
from homefield.ownership.notes import NOTES_REF, NoteError, VerdictNote, note_for_change

UNKNOWN = "unknown"
_FIELD, _RECORD = "\x1f", "\x1e"


@dataclass(frozen=True)
class ChangeRow:
    """One commit that touched a service, as the team page shows it."""

    sha: str
    date: str
    subject: str
    author: str  # a teams.yaml person id, or the git email when teams.yaml does not know it
    author_team: str  # UNKNOWN when neither a note nor teams.yaml says
    service: str
    home_or_away: str  # "home", "away" or UNKNOWN
    bar_raiser: str  # the person who signed off, "not required", or UNKNOWN
    override: str | None  # the Bar-Raiser-Override reason, from the ledger
    verified: bool  # True when a verdict note backs the row

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Commit:
    sha: str
    date: str
    email: str
    subject: str
    services: tuple[str, ...]


def _log(repo: GitRepo, services: Iterable[str], limit: int) -> list[_Commit]:
    paths = [f"services/{name}" for name in services]
    fmt = f"{_RECORD}%H{_FIELD}%aI{_FIELD}%ae{_FIELD}%s"
    out = repo.run("log", f"-n{limit}", f"--format={fmt}", "--name-only", "HEAD", "--", *paths)
    commits: list[_Commit] = []
    for record in out.decode("utf-8", "replace").split(_RECORD)[1:]:
        head, _, files = record.partition("\n")
        sha, date, email, subject = head.split(_FIELD, 3)
        touched = sorted({s for path in files.split() if (s := service_of(path))})
        commits.append(_Commit(sha, date, email, subject, tuple(touched)))
    return commits


class ChangeHistory:
    """Reads a checkout's history; verdict notes are cached until the notes ref moves."""

    def __init__(self, repo: GitRepo) -> None:
        self._repo = repo
        self._notes: dict[str, VerdictNote | None] = {}
        self._notes_tip = ""

    def _note(self, sha: str) -> VerdictNote | None:
        if sha not in self._notes:
            try:
                self._notes[sha] = note_for_change(self._repo, sha)
            except NoteError:
                self._notes[sha] = None  # a note this version cannot read: treated as absent
        return self._notes[sha]

    def _refresh_notes(self) -> None:
        try:
            tip = self._repo.resolve(NOTES_REF)
        except GitError:
            tip = ""  # no verdict note recorded yet
        if tip != self._notes_tip:
            self._notes, self._notes_tip = {}, tip

    def recent(
        self, catalog: Catalog, services: list[str], limit: int = 20
    ) -> dict[str, list[ChangeRow]]:
        """The last ``limit`` commits touching ``services``, by service, newest first."""
        if not services:
            return {}
        try:
            self._refresh_notes()
            overrides = {entry.commit: entry.reason for entry in read_ledger(self._repo, "HEAD")}
            commits = _log(self._repo, services, limit)
            rows: dict[str, list[ChangeRow]] = {name: [] for name in services}
            for commit in commits:
                note = self._note(commit.sha)
                for service in commit.services:
                    if service in rows:
                        rows[service].append(_row(catalog, commit, service, note, overrides))
        except GitError as exc:
            raise SourceDown(f"cannot read the history: {exc}") from None
        return rows


def _row(
    catalog: Catalog,
    commit: _Commit,
    service: str,
    note: VerdictNote | None,
    overrides: dict[str, str],
) -> ChangeRow:
    teams = catalog.teams
    home = catalog.services[service].team
    override = overrides.get(commit.sha) or (note.override if note else None)
    if note is not None:
        verdicts = {v.service: v for v in note.services}
        found = verdicts.get(service)
        away = found.away if found else home not in note.author_teams
        return ChangeRow(
            commit.sha,
            commit.date,
            commit.subject,
            note.author,
            ", ".join(note.author_teams) or UNKNOWN,
            service,
            "away" if away else "home",
            note.bar_raiser or ("not required" if not note.high_impact else "none"),
            override,
            verified=True,
        )
    person = teams.person_by_email(commit.email)
    team = teams.team_of(person) if person else None
    where = UNKNOWN if team is None else ("home" if team == home else "away")
    return ChangeRow(
        commit.sha,
        commit.date,
        commit.subject,
        person or commit.email,
        team or UNKNOWN,
        service,
        where,
        UNKNOWN,
        override,
        verified=False,
    )
