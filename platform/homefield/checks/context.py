"""Everything the rules read about one change, gathered with a few batched git commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from homefield.catalog import CatalogError, Teams, parse_service
from homefield.checks.model import CheckInputError, Review, ServiceTouch
from homefield.ownership import Change, Commit, GitError, GitRepo, OwnersIndex, service_of

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
    """One change (merge base of BASE to HEAD) and who owns what at BASE's tip.

    The diff starts at the merge base, so only the change's own edits count. OWNERS and teams.yaml
    are read at the tip, so an approver removed on the base branch since the fork no longer counts.
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
    ) -> Context:
        try:
            head_sha = repo.resolve(head)
            tip = repo.resolve(base)
            base_sha = repo.merge_base(tip, head_sha)
        except GitError as exc:
            raise CheckInputError(str(exc)) from None
        try:
            index = OwnersIndex.at(repo, tip)
        except CatalogError as exc:
            raise CheckInputError(f"{exc} (at base {tip[:12]})") from None
        who, known, source = author.identify(index.teams, repo, head_sha)
        changes = repo.changes(base_sha, head_sha)
        return cls(
            repo, base_sha, head_sha, index, changes, who, known, reviews, author_source=source
        )

    @property
    def teams(self) -> Teams:
        return self.index.teams

    @cached_property
    def author_team(self) -> str | None:
        return self.teams.team_of(self.author) if self.author_known else None

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
    def added_lines(self) -> dict[str, list[str]]:
        """Lines added under services/, by file (one diff for all of them)."""
        if not any(p.startswith("services/") for p in self.paths):
            return {}
        return self.repo.added_lines(self.base, self.head, "services/")

    @cached_property
    def head_files(self) -> list[str]:
        return self.repo.files(self.head)

    @cached_property
    def commits(self) -> list[Commit]:
        return self.repo.commits(f"{self.base}..{self.head}", OVERRIDE_TRAILER)

    def read(self, rev: str, paths: list[str]) -> dict[str, str | None]:
        """File texts at ``rev`` ("base" or "head"), cached, fetched in one batch."""
        sha = self.base if rev == "base" else self.head
        wanted = [p for p in paths if (sha, p) not in self._texts]
        for path, text in self.repo.read(sha, wanted).items():
            self._texts[(sha, path)] = text
        return {p: self._texts[(sha, p)] for p in paths}

    @cached_property
    def services(self) -> list[ServiceTouch]:
        by_service: dict[str, list[str]] = {}
        for path in self.paths:
            name = service_of(path)
            if name:
                by_service.setdefault(name, []).append(path)
        specs = [f"services/{name}/service.yaml" for name in by_service]
        self.read("base", specs)
        self.read("head", specs)
        return [self._touch(name, paths) for name, paths in sorted(by_service.items())]

    def _touch(self, name: str, paths: list[str]) -> ServiceTouch:
        home_dir = f"services/{name}"
        where = home_dir if self.index.is_dir(home_dir) else paths[0]
        ownership = self.index.resolve(where, is_dir=where == home_dir)
        team = ownership.team
        members = self.teams.teams[team].members if team in self.teams.teams else []
        away = not self.author_known or self.author not in members
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
                    return parse_service(text, path).tier
                except CatalogError:
                    continue
        return None

    def service(self, name: str) -> ServiceTouch | None:
        return next((s for s in self.services if s.name == name), None)
