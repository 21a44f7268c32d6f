"""The merged changes of the default branch, each classified as `homefield check` classifies it.

Each commit on the branch's first-parent line is one merged change: a merge commit lands its
second parent (the head the check ran on), any other commit lands itself. Owners are read at
the change's base (the branch as it was when the change merged), the author from the verdict
note that `homefield check --record` wrote when there is one, else from the git author email
(unverified). Lines, services and home or away come from the check's own Context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homefield.catalog import CatalogError, ServiceSpec, parse_service
from homefield.checks.context import Author, Context
from homefield.checks.model import CheckInputError, ServiceTouch
from homefield.checks.python_source import parse_or_none
from homefield.checks.testsuite import is_test_module, test_count
from homefield.ownership import GitRepo, service_of
from homefield.ownership.notes import NoteError, VerdictNote, note_for_change

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MergedChange:
    """One change on the default branch and what the check's classification says of it."""

    commit: str  # the commit on the default branch
    merged_at: str  # its committer date (ISO 8601): the merge stands in for the deploy
    author: str
    author_teams: tuple[str, ...]
    services: tuple[ServiceTouch, ...]
    tests_added: dict[str, int]  # test functions added, by service
    bar_raiser: str | None  # who signed off, from the verdict note; None when unknown
    override: str | None
    verified: bool  # a verdict note named the author
    specs: dict[str, ServiceSpec]  # every service.yaml at the merge, for the downstream graph

    def team_for(self, touch: ServiceTouch) -> str | None:
        """The team a touch credits: the home team for a home change, else the author's."""
        if touch.contribution == "home":
            return touch.home_team
        return self.author_teams[0] if self.author_teams else None


def merged_changes(
    repo: GitRepo,
    rev: str,
    since: str,
    progress: Progress | None = None,
    *,
    limit: int | None = None,
    cache: dict[str, MergedChange] | None = None,
) -> list[MergedChange]:
    """Every change merged into ``rev``'s first-parent line from ``since`` on (the newest
    ``limit`` of them), oldest first. ``cache`` keeps classifications by commit between calls:
    a commit never changes, though its verdict note may (clear the cache when notes move)."""
    window = [f"-n{limit}"] if limit else []
    out = repo.run(
        "log", "--first-parent", "--format=%H %cI %P", f"--since={since}", *window, rev, "--"
    )
    lines = [line.split() for line in reversed(out.decode().splitlines()) if line.strip()]
    known = {} if cache is None else cache
    found: list[MergedChange] = []
    for number, (commit, merged_at, *parents) in enumerate(lines, 1):
        if parents:
            if commit not in known:
                known[commit] = _classify(repo, commit, merged_at, parents)
            found.append(known[commit])
        if progress is not None:
            progress(number, len(lines))
    return found


def _classify(repo: GitRepo, commit: str, merged_at: str, parents: list[str]) -> MergedChange:
    head = parents[1] if len(parents) > 1 else commit
    try:
        note = note_for_change(repo, commit)
    except NoteError:
        note = None  # a note this version cannot read counts as none
    ctx = _context(repo, parents[0], head, note)
    override = note.override if note else _trailer_override(ctx)
    return MergedChange(
        commit=commit,
        merged_at=merged_at,
        author=ctx.author,
        author_teams=tuple(ctx.author_teams),
        services=tuple(ctx.services),
        tests_added=tests_added(ctx),
        bar_raiser=note.bar_raiser if note else None,
        override=override,
        verified=note is not None,
        specs=_specs(ctx),
    )


def _context(repo: GitRepo, base: str, head: str, note: VerdictNote | None) -> Context:
    """The check's Context, owners at ``base``, naming the author as the note does if any."""
    tries = [Author()]
    if note is not None:
        tries[:0] = [Author(person=note.author)] + (
            [Author(login=note.author_login)] if note.author_login else []
        )
    for author in tries[:-1]:
        try:
            return Context.build(repo, base=base, head=head, author=author, reviews=None)
        except CheckInputError:
            continue  # the note's person is not in teams.yaml at this base
    return Context.build(repo, base=base, head=head, author=tries[-1], reviews=None)


def _trailer_override(ctx: Context) -> str | None:
    reasons = [reason for c in ctx.commits for reason in c.trailers]
    return reasons[0] if reasons else None


def tests_added(ctx: Context) -> dict[str, int]:
    """Test functions the change adds, by service (a module's count after minus before)."""
    added: dict[str, int] = {}
    changes = [c for c in ctx.changes if is_test_module(c.path) and service_of(c.path)]
    base = ctx.read("base", [c.old_path or c.path for c in changes])
    head = ctx.read("head", [c.path for c in changes])
    for change in changes:
        before = test_count(parse_or_none(base[change.old_path or change.path]))
        grown = test_count(parse_or_none(head[change.path])) - before
        service = service_of(change.path) or ""
        added[service] = added.get(service, 0) + max(grown, 0)
    return {service: count for service, count in added.items() if count}


def _specs(ctx: Context) -> dict[str, ServiceSpec]:
    paths = [p for p in ctx.head_tree if _is_service_yaml(p)]
    specs: dict[str, ServiceSpec] = {}
    for path, text in ctx.read("head", paths).items():
        try:
            spec = parse_service(text or "", path)
        except CatalogError:
            continue  # a broken service.yaml has no edges to follow
        specs[spec.name] = spec
    return specs


def _is_service_yaml(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "services" and parts[2] == "service.yaml"
