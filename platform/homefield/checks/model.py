"""What a check run produces: findings, contributions, approvals and the bar-raiser verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["block", "warn"]
Contribution = Literal["home", "away"]


class CheckInputError(Exception):
    """Input the check cannot use: a bad revision, an unreadable reviews file, invalid OWNERS."""


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one service or path."""

    rule: str
    severity: Severity
    message: str
    service: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class ServiceTouch:
    """A service the change touches, whose team owns it, and whether the author is on that team."""

    name: str
    home_team: str | None
    contribution: Contribution
    tier: int | None
    approvers: tuple[str, ...]
    paths: tuple[str, ...]
    lines: int


@dataclass(frozen=True)
class Review:
    login: str
    person: str | None
    state: str
    commit_id: str


@dataclass(frozen=True)
class Requirement:
    """Approval the change needs: any one of ``any_of`` (never the author)."""

    rule: str
    reason: str
    team: str | None
    any_of: tuple[str, ...]
    service: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Approval:
    person: str
    login: str
    team: str | None


@dataclass(frozen=True)
class Override:
    """A bar-raiser override: the trailer's reason and the commit that carries it."""

    reason: str
    commit: str
    by: str


@dataclass
class BarRaiser:
    required: bool = False
    reasons: list[str] = field(default_factory=list)
    eligible: list[str] = field(default_factory=list)
    satisfied_by: str | None = None
    override: Override | None = None


@dataclass
class Report:
    """The whole outcome of ``homefield check``."""

    base: str
    head: str
    author: str
    author_team: str | None
    services: list[ServiceTouch]
    findings: list[Finding]
    required: list[Requirement]
    given: list[Approval]
    missing: list[Requirement]
    bar_raiser: BarRaiser
    author_source: str = ""
    author_teams: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> Literal["pass", "blocked"]:
        return "blocked" if any(f.severity == "block" for f in self.findings) else "pass"
