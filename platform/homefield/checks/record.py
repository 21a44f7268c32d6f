"""What a check leaves behind for others: the verdict note, and the override notice to leadership.

`homefield check --record` writes the verdict as a git note on the head (the workflow pushes
``refs/notes/homefield``). When a change with an override merges, `homefield ledger --notify`
posts one alert per override to Alertmanager, labelled ``team=leadership``; the rendered routing
sends those to the leadership receiver (the alert sink locally, the channel in teams.yaml).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime

from homefield.catalog import Teams
from homefield.checks.ledger import LedgerEntry
from homefield.checks.model import CheckInputError, Report
from homefield.ownership.notes import ServiceVerdict, VerdictNote
from homefield.slo.alertmanager import LEADERSHIP, NOTICE_SEVERITY

NOTICE_ALERT = "BarRaiserOverride"


def verdict_note(report: Report, author_login: str) -> VerdictNote:
    """The verdict of ``report`` as a note, for the opener GitHub verified as ``author_login``."""
    raiser = report.bar_raiser
    return VerdictNote(
        verdict=report.verdict,
        base=report.base,
        head=report.head,
        author=report.author,
        author_login=author_login,
        author_teams=tuple(report.author_teams),
        approvals=tuple(a.person for a in report.given),
        bar_raiser=raiser.satisfied_by,
        high_impact=tuple(raiser.reasons) if raiser.required else (),
        override=raiser.override.reason if raiser.override else None,
        services=tuple(
            ServiceVerdict(s.name, s.home_team or "", s.contribution == "away")
            for s in report.services
        ),
        recorded_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def notice(entry: LedgerEntry, teams: Teams) -> dict[str, object]:
    """One Alertmanager alert that tells leadership about one override."""
    channel = teams.leadership.channel if teams.leadership else ""
    return {
        "labels": {
            "alertname": NOTICE_ALERT,
            "team": LEADERSHIP,
            "severity": NOTICE_SEVERITY,
            "service": ",".join(entry.services) or "-",
            "commit": entry.commit[:12],
        },
        "annotations": {
            "summary": f"bar raiser overridden by {entry.by}: {entry.reason}",
            "verified": "yes" if entry.verified else "no (no verdict note)",
            "channel": channel,
        },
    }


def notify(entries: list[LedgerEntry], teams: Teams, alertmanager: str) -> None:
    """Post one notice per entry to Alertmanager's v2 API; CheckInputError if it refuses."""
    if teams.leadership is None:
        raise CheckInputError("teams.yaml has no leadership entry to notify")
    body = json.dumps([notice(e, teams) for e in entries]).encode()
    request = urllib.request.Request(
        f"{alertmanager.rstrip('/')}/api/v2/alerts",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise CheckInputError(f"cannot notify leadership at {alertmanager}: {exc}") from None
