"""Verdict notes: what `homefield check --record` decided about a change, kept as a git note.

A commit's author email is whatever the committer typed, so it cannot say who approved a change
or who overrode a bar raiser. The away-team workflow knows: it runs the check with the opener's
verified GitHub login and the reviews GitHub reports. It writes that verdict as a JSON note under
``refs/notes/homefield`` on the change's head commit and pushes the ref. The ledger, the console
and ``homefield credit`` read sign-offs from these notes; a change without one is "unknown", and
an override without one is unverified.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from homefield.catalog.untrusted import UntrustedInputError, parse_json
from homefield.ownership.git import GitError, GitRepo

NOTES_REF = "refs/notes/homefield"
SCHEMA = 1
MAX_NOTE_BYTES = 64 * 1024


class NoteError(Exception):
    """A note exists but is not a verdict this version can read; the message says why."""


@dataclass(frozen=True)
class ServiceVerdict:
    """One touched service: its home team and whether the author was away."""

    service: str
    home_team: str
    away: bool


@dataclass(frozen=True)
class VerdictNote:
    """The verdict on one change, as the check saw it when it ran with verified inputs."""

    verdict: str  # "pass" or "blocked"
    base: str
    head: str
    author: str  # a teams.yaml person id, or "@login" / an email when teams.yaml does not know them
    author_login: str | None
    author_teams: tuple[str, ...]
    approvals: tuple[str, ...]  # person ids whose latest review approved the head
    bar_raiser: str | None  # the person who signed off as bar raiser, if any
    high_impact: tuple[str, ...]  # why a bar raiser was required; empty when not
    override: str | None  # the Bar-Raiser-Override reason, if the change used one
    services: tuple[ServiceVerdict, ...] = ()
    recorded_at: str = ""
    schema: int = field(default=SCHEMA)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, indent=2) + "\n"


def parse_note(text: str) -> VerdictNote:
    """The verdict in ``text``; NoteError names what is wrong with it."""
    if len(text.encode()) > MAX_NOTE_BYTES:
        raise NoteError(f"note is larger than {MAX_NOTE_BYTES} bytes")
    try:
        data = parse_json(text)
    except UntrustedInputError as exc:
        raise NoteError(f"note is not a verdict: {exc}") from None
    except ValueError as exc:
        raise NoteError(f"note is not JSON: {str(exc)[:120]}") from None
    if not isinstance(data, dict):
        raise NoteError("note is not a JSON object")
    if data.get("schema") != SCHEMA:
        raise NoteError(f"note schema {data.get('schema')!r} is not {SCHEMA}")
    try:
        services = tuple(
            ServiceVerdict(_text(s, "service"), _text(s, "home_team"), _flag(s, "away"))
            for s in _list(data, "services")
        )
        return VerdictNote(
            verdict=_choice(data, "verdict", ("pass", "blocked")),
            base=_text(data, "base"),
            head=_text(data, "head"),
            author=_text(data, "author"),
            author_login=_optional(data, "author_login"),
            author_teams=_texts(data, "author_teams"),
            approvals=_texts(data, "approvals"),
            bar_raiser=_optional(data, "bar_raiser"),
            high_impact=_texts(data, "high_impact"),
            override=_optional(data, "override"),
            services=services,
            recorded_at=_text(data, "recorded_at"),
        )
    except (KeyError, TypeError) as exc:
        raise NoteError(f"note field {exc} is missing or has the wrong type") from None


def read_note(repo: GitRepo, commit: str) -> VerdictNote | None:
    """The verdict recorded on ``commit``, or None when it has no note."""
    try:
        text = repo.run("notes", f"--ref={NOTES_REF}", "show", commit).decode("utf-8", "replace")
    except GitError:
        return None
    return parse_note(text)


def note_for_change(repo: GitRepo, commit: str) -> VerdictNote | None:
    """The verdict of the change that ``commit`` landed on the default branch.

    A fast-forward lands the head itself; a merge commit lands its second parent, the head the
    check ran on. The commit's own note wins when both have one.
    """
    own = read_note(repo, commit)
    if own is not None:
        return own
    try:
        head = repo.resolve(f"{commit}^2")
    except GitError:
        return None
    return read_note(repo, head)


def all_notes(repo: GitRepo) -> dict[str, VerdictNote | NoteError]:
    """Every verdict note by annotated commit (a NoteError where one cannot be read)."""
    try:
        out = repo.run("notes", f"--ref={NOTES_REF}", "list").decode("ascii", "replace")
    except GitError:
        return {}
    pairs = [line.split() for line in out.splitlines() if len(line.split()) == 2]
    blobs = repo.blobs([blob for blob, _ in pairs])
    found: dict[str, VerdictNote | NoteError] = {}
    for blob, commit in pairs:
        try:
            found[commit] = parse_note(blobs[blob].decode("utf-8", "replace"))
        except NoteError as exc:
            found[commit] = exc
    return found


def write_note(repo: GitRepo, commit: str, note: VerdictNote) -> None:
    """Record ``note`` on ``commit``, replacing an older verdict on the same commit."""
    payload = note.to_json().encode()
    repo.run("notes", f"--ref={NOTES_REF}", "add", "-f", "-F", "-", commit, stdin=payload)


def _text(data: Any, key: str) -> str:
    if not isinstance(data, dict):
        raise TypeError(key)
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(key)
    return value


def _optional(data: Any, key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(key)
    return value


def _flag(data: Any, key: str) -> bool:
    if not isinstance(data, dict):
        raise TypeError(key)
    value = data[key]
    if not isinstance(value, bool):
        raise TypeError(key)
    return value


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise TypeError(key)
    return value


def _texts(data: Any, key: str) -> tuple[str, ...]:
    values = _list(data, key)
    if not all(isinstance(v, str) for v in values):
        raise TypeError(key)
    return tuple(values)


def _choice(data: Any, key: str, allowed: tuple[str, ...]) -> str:
    value = _text(data, key)
    if value not in allowed:
        raise TypeError(key)
    return value
