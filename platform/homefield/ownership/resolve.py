"""Prow-style ownership over one git revision: walk up, union, stop at no_parent_owners."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from homefield.catalog import CatalogError, Owners, Teams, parse_owners, parse_teams
from homefield.ownership.git import GitRepo

_SERVICE_PREFIXES = ("services/", "protos/shop/", "deploy/k8s/services/")


def service_of(path: str) -> str | None:
    """The service of services/<svc>/, protos/shop/<svc>/ or deploy/k8s/services/<svc>/ paths."""
    for prefix in _SERVICE_PREFIXES:
        if path.startswith(prefix):
            rest = path[len(prefix) :].split("/", 1)
            if len(rest) == 2 and rest[0]:
                return rest[0]
    return None


def is_owners_file(path: str) -> bool:
    return posixpath.basename(path) == "OWNERS"


@dataclass(frozen=True)
class OwnersFile:
    """One parsed OWNERS file and where it lives."""

    path: str
    owners: Owners


@dataclass(frozen=True)
class Ownership:
    """Who owns a path: the nearest OWNERS file's team, and the union of approvers up the tree."""

    path: str
    files: tuple[OwnersFile, ...]

    @property
    def owned(self) -> bool:
        return bool(self.files)

    @property
    def team(self) -> str | None:
        return self.files[0].owners.team if self.files else None

    @property
    def decided_by(self) -> str | None:
        return self.files[0].path if self.files else None

    @property
    def approvers(self) -> list[str]:
        return _union(file.owners.approvers for file in self.files)

    @property
    def reviewers(self) -> list[str]:
        return _union(file.owners.reviewers for file in self.files)

    def approvers_of(self, team: str) -> list[str]:
        """Approvers named by the OWNERS files on the walk that belong to ``team``."""
        return _union(f.owners.approvers for f in self.files if f.owners.team == team)


def _union(groups: Iterable[Iterable[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for group in groups:
        for person in group:
            seen.setdefault(person, None)
    return list(seen)


class OwnersIndex:
    """teams.yaml and every OWNERS file of one revision, ready to answer who owns a path."""

    def __init__(self, teams: Teams, owners: dict[str, Owners], files: list[str]) -> None:
        self.teams = teams
        self.files = files
        self._owners = owners
        self._dir_cache = lru_cache(maxsize=None)(self._resolve_dir)

    @classmethod
    def at(cls, repo: GitRepo, rev: str) -> OwnersIndex:
        """Load teams.yaml and OWNERS as they are at ``rev``; invalid input raises CatalogError."""
        tree = repo.tree(rev)
        files = list(tree)
        owners_paths = [path for path in files if is_owners_file(path)]
        texts = repo.read(rev, ["teams.yaml", *owners_paths], tree)
        teams_text = texts.pop("teams.yaml")
        if teams_text is None:
            raise CatalogError("teams.yaml", None, "not found")
        teams = parse_teams(teams_text, "teams.yaml")
        owners = {
            posixpath.dirname(path): parse_owners(text, path, teams)
            for path, text in texts.items()
            if text is not None
        }
        return cls(teams, owners, files)

    def is_dir(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return path in ("", ".") or any(name.startswith(prefix) for name in self.files)

    def resolve(self, path: str, *, is_dir: bool = False) -> Ownership:
        """The ownership of ``path`` (a file, or a directory when ``is_dir``)."""
        path = path.strip("/")
        directory = path if is_dir else posixpath.dirname(path)
        return Ownership(path, self._dir_cache(directory))

    def _resolve_dir(self, directory: str) -> tuple[OwnersFile, ...]:
        found: list[OwnersFile] = []
        current = "" if directory in ("", ".") else directory
        while True:
            owners = self._owners.get(current)
            if owners is not None:
                found.append(OwnersFile(posixpath.join(current, "OWNERS"), owners))
                if owners.no_parent_owners:
                    break
            if not current:
                break
            current = posixpath.dirname(current)
        return tuple(found)

    def team_approvers(self, team: str) -> list[str]:
        """Every approver named by an OWNERS file of ``team``."""
        return _union(o.approvers for o in self._owners.values() if o.team == team)

    def oncall(self, team: str, when: datetime) -> str | None:
        entry = self.teams.teams.get(team)
        return entry.oncall_at(when) if entry else None
