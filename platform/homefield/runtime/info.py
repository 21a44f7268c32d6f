"""``/info``: who owns a service and who is on call for it now.

The rota moves every ISO week, so the answer is computed on each request, from the service's
own catalog entry and its team in teams.yaml.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from homefield.catalog import ServiceEntry, Teams


def utc_now() -> datetime:
    return datetime.now(UTC)


class ServiceInfo:
    """The body of ``/info``; call it for the answer as of now."""

    def __init__(
        self,
        entry: ServiceEntry,
        teams: Teams,
        *,
        version: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._entry = entry
        self._team = teams.teams[entry.team]
        self._people = teams.people
        self._version = version
        self._clock = clock

    def __call__(self) -> dict[str, Any]:
        entry, team = self._entry, self._team
        oncall = team.oncall_at(self._clock())
        person = self._people[oncall]
        return {
            "service": entry.name,
            "team": entry.team,
            "tier": entry.spec.tier,
            "version": self._version,
            "description": entry.spec.description,
            "oncall": {"id": oncall, "name": person.name, "email": person.email},
            "channel": team.channel,
            "runbook": entry.runbook_url(),
        }
