"""teams.yaml: people, teams, on-call rotations and bar raisers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from homefield.catalog.yamlfile import LocatedYaml, load_yaml, parse_yaml, validate


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    github: str = Field(min_length=1)


class Team(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    mission: str = ""
    members: list[str] = Field(min_length=1)
    oncall: list[str] = Field(min_length=1)
    channel: str = Field(pattern=r"^#[a-z0-9-]+$")
    # A retired team owns nothing new: every service it still owns must be transferred or deleted.
    retired: bool = False

    def oncall_at(self, when: datetime) -> str:
        """The person on call at ``when``: the rotation advances every ISO week."""
        week = when.isocalendar().week
        return self.oncall[week % len(self.oncall)]


class Leadership(BaseModel):
    """Who hears about every bar-raiser override, and where (issue: "made visible")."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    people: list[str] = Field(min_length=1)
    channel: str = Field(pattern=r"^#[a-z0-9-]+$")


class Teams(BaseModel):
    """The whole of teams.yaml, cross-checked: every id it uses names a known person."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    people: dict[str, Person]
    teams: dict[str, Team] = Field(min_length=1)
    bar_raisers: list[str] = []
    bar_raisers_of_last_resort: list[str] = []
    leadership: Leadership | None = None

    @property
    def retired(self) -> list[str]:
        """Teams marked ``retired: true``, in teams.yaml order."""
        return [name for name, team in self.teams.items() if team.retired]

    def team_of(self, person: str) -> str | None:
        """The first team that lists ``person`` as a member, if any."""
        for name, team in self.teams.items():
            if person in team.members:
                return name
        return None

    def teams_of(self, person: str) -> list[str]:
        """Every team that lists ``person`` as a member, in teams.yaml order."""
        return [name for name, team in self.teams.items() if person in team.members]

    def person_by_login(self, login: str) -> str | None:
        for pid, person in self.people.items():
            if person.github.lower() == login.lower():
                return pid
        return None

    def person_by_email(self, email: str) -> str | None:
        for pid, person in self.people.items():
            if person.email.lower() == email.lower():
                return pid
        return None


def _check_references(doc: LocatedYaml, teams: Teams) -> None:
    for team_name, team in teams.teams.items():
        for field in ("members", "oncall"):
            for index, pid in enumerate(getattr(team, field)):
                if pid not in teams.people:
                    raise doc.error(("teams", team_name, field, index), f"unknown person {pid!r}")
    people_lists: dict[tuple[str, ...], list[str]] = {
        ("bar_raisers",): teams.bar_raisers,
        ("bar_raisers_of_last_resort",): teams.bar_raisers_of_last_resort,
        ("leadership", "people"): teams.leadership.people if teams.leadership else [],
    }
    for key, pids in people_lists.items():
        for index, pid in enumerate(pids):
            if pid not in teams.people:
                raise doc.error((*key, index), f"unknown person {pid!r}")
    for index, pid in enumerate(teams.bar_raisers_of_last_resort):
        if teams.teams_of(pid):
            message = f"{pid!r} is on team {teams.teams_of(pid)[0]}: last resort means no team"
            raise doc.error(("bar_raisers_of_last_resort", index), message)


def parse_teams(text: str, path: Path | str = "teams.yaml") -> Teams:
    """Parse teams.yaml text (as read from a file or a git revision)."""
    doc = parse_yaml(text, path)
    teams = validate(doc, Teams)
    _check_references(doc, teams)
    return teams


def load_teams(path: Path) -> Teams:
    doc = load_yaml(path)
    teams = validate(doc, Teams)
    _check_references(doc, teams)
    return teams
