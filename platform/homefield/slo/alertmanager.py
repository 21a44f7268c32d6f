"""Alertmanager routing from teams.yaml: pages to a team's on-call, tickets to its channel, and
bar-raiser override notices (``team=leadership``) to leadership."""

from __future__ import annotations

from typing import Any

from homefield.catalog import Teams

LEADERSHIP = "leadership"
NOTICE_SEVERITY = "notice"

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


def _leadership(teams: Teams, sink: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The route and receiver for override notices, when teams.yaml names a leadership."""
    if teams.leadership is None:
        return [], []
    name = f"{LEADERSHIP}-channel"
    route = {
        "matchers": [f'team="{LEADERSHIP}"'],
        "receiver": name,
        "group_by": ["alertname", "commit"],
        "group_wait": "0s",
        "repeat_interval": "8760h",
    }
    url = f"{sink}/alerts/{LEADERSHIP}/{NOTICE_SEVERITY}"
    return [route], [{"name": name, "webhook_configs": [{"url": url}]}]


def alertmanager_config(
    teams: Teams, *, fallback_team: str, sink: str = LOCAL_ALERT_SINK
) -> dict[str, Any]:
    """Route by ``team``; alerts with no known team go to ``fallback_team``: its on-call for a
    page (someone must still be woken), its channel otherwise."""
    names = sorted(teams.teams)
    leadership_routes, leadership_receivers = _leadership(teams, sink)
    return {
        "global": {"resolve_timeout": "5m"},
        "route": {
            "receiver": receiver_name(fallback_team, "ticket"),
            "group_by": ["alertname", "team", "service", "slo"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "12h",
            "routes": [
                *leadership_routes,
                *(_team_route(team) for team in names),
                _page_route(fallback_team),
            ],
        },
        "inhibit_rules": [
            {
                "source_matchers": ['severity="page"'],
                "target_matchers": ['severity="ticket"'],
                "equal": ["team", "service", "slo"],
            }
        ],
        "receivers": [
            *leadership_receivers,
            *(_receiver(team, sev, sink) for team in names for sev in ("page", "ticket")),
        ],
    }
