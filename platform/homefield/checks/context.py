"""Everything the rules read about one change, gathered with a few batched git commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from homefield import catalog
from homefield.checks.model import CheckInputError, Review, ServiceTouch
from homefield.ownership import Change, Commit, Entry, GitError, GitRepo, OwnersIndex, service_of

if TYPE_CHECKING:
    from homefield.catalog import Teams

OVERRIDE_TRAILER = "Bar-Raiser-Override"


@dataclass(frozen=True)
class Author:
    """How the change's author is named: a teams.yaml id, a GitHub login, or neither (git email)."""

    person: str | None = None
    login: str | None = None

    def identify(self, teams: Teams, repo: GitRepo, head: str) -> tuple[str, bool, str]:
        """The author (a teams.yaml id when known), whether teams.yaml knows them, and how."""
        if self.person is not None:
            if self.person not in teams.people:
                raise CheckInputError(f"--author {self.person!r} is not a person in teams.yaml")
            return self.person, True, "the --author option"
        if self.login is not None:
            found = teams.person_by_login(self.login)
            return found or f"@{self.login}", found is not None, f"GitHub login {self.login}"
        email = repo.author_email(head)
        found = teams.person_by_email(email)
        return found or email, found is not None, f"git author email {email} (unverified)"


@dataclass
class Context:
    """One change (merge base of BASE to HEAD) and who owns what at the owners revision.

    The diff starts at the merge base, so only the change's own edits count. OWNERS and teams.yaml
    are read at ``--owners-ref`` (the default branch's tip), never at a base the change chose, so
    neither a branch the author controls nor an approver removed since the fork counts.
    """

    repo: GitRepo
    base: str
    head: str
    index: OwnersIndex
    changes: list[Change]
    author: str
    author_known: bool
    reviews: list[Review] | None
    run_buf: bool = True
    author_source: str = ""
    _texts: dict[tuple[str, str], str | None] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        repo: GitRepo,
        *,
        base: str,
        head: str,
        author: Author,
        reviews: list[Review] | None,
        owners_ref: str | None = None,
    ) -> Context:
        """Resolve the revisions and load ownership; ``owners_ref`` defaults to ``base``'s tip."""
        try:
            head_sha = repo.resolve(head)
            tip = repo.resolve(base)
            base_sha = repo.merge_base(tip, head_sha)
            owners_sha = tip if owners_ref is None else repo.resolve(owners_ref)
        except GitError as exc:
            raise CheckInputError(str(exc)) from None
        try:
            index = OwnersIndex.at(repo, owners_sha)
        except catalog.CatalogError as exc:
            raise CheckInputError(f"{exc} (at owners ref {owners_sha[:12]})") from None
        who, known, source = author.identify(index.teams, repo, head_sha)
        changes = repo.changes(base_sha, head_sha)
        return cls(
            repo, base_sha, head_sha, index, changes, who, known, reviews, author_source=source
        )

    @property
    def teams(self) -> Teams:
        return self.index.teams

    @cached_property
    def author_teams(self) -> list[str]:
        """Every team that lists the author as a member (none for an unknown author)."""
        return self.teams.teams_of(self.author) if self.author_known else []

    @cached_property
    def author_team(self) -> str | None:
        return self.author_teams[0] if self.author_teams else None

    @cached_property
    def paths(self) -> list[str]:
        """Every path the change touches, old names of renames included."""
        found = [c.path for c in self.changes]
        found += [c.old_path for c in self.changes if c.old_path]
        return found

    def changed(self, path: str) -> bool:
        return path in self._path_set

    @cached_property
    def _path_set(self) -> set[str]:
        return set(self.paths)

    @cached_property
    def line_counts(self) -> dict[str, int]:
        return self.repo.line_counts(self.base, self.head)

    @cached_property
    def base_tree(self) -> dict[str, Entry]:
        return self.repo.tree(self.base)

    @cached_property
    def head_tree(self) -> dict[str, Entry]:
        return self.repo.tree(self.head)

    @property
    def head_files(self) -> list[str]:
        return list(self.head_tree)

    @cached_property
    def commits(self) -> list[Commit]:
        return self.repo.commits(f"{self.base}..{self.head}", OVERRIDE_TRAILER)

    def read(self, rev: str, paths: list[str]) -> dict[str, str | None]:
        """Regular-file texts at ``rev`` ("base" or "head"), cached, fetched in one batch."""
        sha, tree = (self.base, self.base_tree) if rev == "base" else (self.head, self.head_tree)
        wanted = [p for p in dict.fromkeys(paths) if (sha, p) not in self._texts]
        for path, text in self.repo.read(sha, wanted, tree).items():
            self._texts[(sha, path)] = text
        return {p: self._texts[(sha, p)] for p in paths}

    def text(self, rev: str, path: str) -> str | None:
        return self.read(rev, [path])[path]

    def export(self, rev: str, wanted: Callable[[str], bool], dest: Path) -> list[str]:
        """Write the regular files at ``rev`` for which ``wanted(path)`` holds under ``dest``.

        Written from blobs, not by ``git archive``: no .gitattributes of the change can leave a
        file out (export-ignore) or rewrite one (export-subst). Symlinks, gitlinks and any path
        with an empty, "." or ".." part are never written.
        """
        tree = self.base_tree if rev == "base" else self.head_tree
        paths = [p for p, e in tree.items() if e.is_file and _plain(p) and wanted(p)]
        blobs = self.repo.blobs([tree[p].blob for p in paths])
        for path in paths:
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blobs[tree[path].blob])
        return paths

    @cached_property
    def services(self) -> list[ServiceTouch]:
        by_service: dict[str, list[str]] = {}
        for path in self.paths:
            name = service_of(path) or self._rules_service(path)
            if name:
                by_service.setdefault(name, []).append(path)
        specs = [f"services/{name}/service.yaml" for name in by_service]
        self.read("base", specs)
        self.read("head", specs)
        return [self._touch(name, paths) for name, paths in sorted(by_service.items())]

    def _rules_service(self, path: str) -> str | None:
        """The service of deploy/prometheus/rules/<svc>.rules.yml, if <svc> is a service."""
        prefix = "deploy/prometheus/rules/"
        name = path.removeprefix(prefix).split(".", 1)[0] if path.startswith(prefix) else ""
        spec = f"services/{name}/service.yaml"
        return name if name and (spec in self.base_tree or spec in self.head_tree) else None

    def _touch(self, name: str, paths: list[str]) -> ServiceTouch:
        home_dir = f"services/{name}"
        where = home_dir if self.index.is_dir(home_dir) else paths[0]
        ownership = self.index.resolve(where, is_dir=where == home_dir)
        team = ownership.team
        away = team is None or team not in self.author_teams
        approvers = tuple(ownership.approvers_of(team)) if team else ()
        lines = sum(self.line_counts.get(p, 0) for p in set(paths))
        return ServiceTouch(
            name, team, "away" if away else "home", self._tier(name), approvers, tuple(paths), lines
        )

    def _tier(self, name: str) -> int | None:
        path = f"services/{name}/service.yaml"
        for rev in ("base", "head"):
            text = self.read(rev, [path])[path]
            if text is not None:
                try:
                    return catalog.parse_service(text, path).tier
                except catalog.CatalogError:
                    continue
        return None

    def service(self, name: str) -> ServiceTouch | None:
        return next((s for s in self.services if s.name == name), None)


def _plain(path: str) -> bool:
    return not path.startswith("/") and all(part not in ("", ".", "..") for part in path.split("/"))
