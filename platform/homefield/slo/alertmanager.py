"""Alertmanager routing from teams.yaml: pages to a team's on-call, tickets to its channel."""

from __future__ import annotations

from typing import Any

from homefield.catalog import Teams

LOCAL_ALERT_SINK = "http://127.0.0.1:9097"


def receiver_name(team: str, severity: str) -> str:
    return f"{team}-oncall" if severity == "page" else f"{team}-channel"


def _receiver(team: str, severity: str, sink: str) -> dict[str, Any]:
    return {
        "name": receiver_name(team, severity),
        "webhook_configs": [{"url": f"{sink}/alerts/{team}/{severity}", "send_resolved": True}],
    }


def _page_route(team: str) -> dict[str, Any]:
    return {
        "matchers": ['severity="page"'],
        "receiver": receiver_name(team, "page"),
        "group_wait": "5s",
        "group_interval": "1m",
        "repeat_interval": "1h",
    }


def _team_route(team: str) -> dict[str, Any]:
    return {
        "matchers": [f'team="{team}"'],
        "receiver": receiver_name(team, "ticket"),
        "routes": [_page_route(team)],
    }


def alertmanager_config(
    teams: Teams, *, fallback_team: str, sink: str = LOCAL_ALERT_SINK
) -> dict[str, Any]:
    """Route by ``team``; alerts with no known team go to ``fallback_team``: its on-call for a
    page (someone must still be woken), its channel otherwise."""
    names = sorted(teams.teams)
    return {
        "global": {"resolve_timeout": "5m"},
        "route": {
            "receiver": receiver_name(fallback_team, "ticket"),
            "group_by": ["alertname", "team", "service", "slo"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "12h",
            "routes": [*(_team_route(team) for team in names), _page_route(fallback_team)],
        },
        "inhibit_rules": [
            {
                "source_matchers": ['severity="page"'],
                "target_matchers": ['severity="ticket"'],
                "equal": ["team", "service", "slo"],
            }
        ],
        "receivers": [
            _receiver(team, severity, sink) for team in names for severity in ("page", "ticket")
        ],
    }
