"""OWNERS files (Prow style): a team, its approvers and reviewers, optionally no_parent_owners."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from homefield.catalog.teams import Teams
from homefield.catalog.yamlfile import LocatedYaml, parse_yaml, validate


class Owners(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    team: str
    approvers: list[str] = Field(min_length=1)
    reviewers: list[str] = []
    no_parent_owners: bool = False


def _check_against_teams(doc: LocatedYaml, owners: Owners, teams: Teams) -> None:
    if owners.team not in teams.teams:
        raise doc.error(("team",), f"unknown team {owners.team!r}")
    for key in ("approvers", "reviewers"):
        for index, pid in enumerate(getattr(owners, key)):
            if pid not in teams.people:
                raise doc.error((key, index), f"unknown person {pid!r}")


def parse_owners(text: str, path: Path | str, teams: Teams) -> Owners:
    """Parse one OWNERS file and check every id in it against teams.yaml."""
    doc = parse_yaml(text, path)
    owners = validate(doc, Owners)
    _check_against_teams(doc, owners, teams)
    return owners


def load_owners(path: Path, teams: Teams) -> Owners:
    return parse_owners(path.read_text(encoding="utf-8"), path, teams)
