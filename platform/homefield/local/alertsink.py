"""The local alert sink: Alertmanager's webhook receivers post here, one JSON line per alert.
Served with FastAPI and uvicorn, like the services and the console.

POST /alerts/<team>/<severity>   an Alertmanager webhook payload; each alert is appended
                                 to <dir>/<team>.jsonl
GET  /alerts[?team=&severity=]   {"alerts": [...]}: every recorded alert, oldest first per team
GET  /healthz                    200 while serving
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MAX_BODY = 4 * 1024 * 1024


class AlertSinkError(ValueError):
    """A webhook request the sink cannot record; the message names the problem."""


class AlertStore:
    """Alerts by team, in ``<directory>/<team>.jsonl``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()

    def append(self, team: str, severity: str, payload: Any) -> int:
        """Record every alert of one Alertmanager webhook payload; return how many."""
        records = alert_records(team, severity, payload)
        lines = "".join(json.dumps(record, sort_keys=True) + "\n" for record in records)
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            with (self.directory / f"{team}.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(lines)
        return len(records)

    def read(self, team: str | None = None) -> list[dict[str, Any]]:
        """Every recorded alert, or only ``team``'s, oldest first within a team."""
        if team is not None and not _NAME.match(team):
            raise AlertSinkError(f"team {team!r} is not a team name")
        files = [self.directory / f"{team}.jsonl"] if team else self.directory.glob("*.jsonl")
        alerts: list[dict[str, Any]] = []
        with self._lock:
            texts = [path.read_text(encoding="utf-8") for path in sorted(files) if path.is_file()]
        for text in texts:
            alerts += [json.loads(line) for line in text.splitlines() if line.strip()]
        return alerts


def alert_records(team: str, severity: str, payload: Any) -> list[dict[str, Any]]:
    """One record per alert in an Alertmanager webhook payload (version 4)."""
    for field, value in (("team", team), ("severity", severity)):
        if not _NAME.match(value):
            raise AlertSinkError(f"{field} {value!r} in the path is not a name")
    if not isinstance(payload, dict) or not isinstance(payload.get("alerts"), list):
        raise AlertSinkError("body: expected an Alertmanager webhook object with an 'alerts' list")
    received = datetime.now(UTC).isoformat()
    records = []
    for index, alert in enumerate(payload["alerts"]):
        if not isinstance(alert, dict) or not isinstance(alert.get("labels", {}), dict):
            raise AlertSinkError(f"body: alerts[{index}] is not an alert object")
        labels = alert.get("labels", {})
        records.append(
            {
                "team": team,
                "severity": severity,
                "receiver": payload.get("receiver", ""),
                "status": alert.get("status", payload.get("status", "")),
                "alertname": labels.get("alertname", ""),
                "labels": labels,
                "annotations": alert.get("annotations", {}),
                "startsAt": alert.get("startsAt", ""),
                "endsAt": alert.get("endsAt", ""),
                "fingerprint": alert.get("fingerprint", ""),
                "received_at": received,
            }
        )
    return records


def build_app(store: AlertStore) -> FastAPI:
    """The sink's HTTP API over ``store``; every refusal is ``{"error": <the problem>}``."""
    app = FastAPI(title="Homefield alert sink", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if exc.status_code != 404 else f"no such path: {request.url.path}"
        if exc.status_code == 404 and request.method == "POST":
            message = "post alerts to /alerts/<team>/<severity>"
        return JSONResponse({"error": message}, status_code=exc.status_code)

    @app.exception_handler(AlertSinkError)
    async def _refused(_request: Request, exc: AlertSinkError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/alerts")
    async def alerts(team: str | None = None, severity: str | None = None) -> dict[str, Any]:
        found = store.read(team)
        if severity is not None:
            found = [alert for alert in found if alert["severity"] == severity]
        return {"alerts": found}

    @app.post("/alerts/{team}/{severity}")
    async def record(team: str, severity: str, request: Request) -> dict[str, int]:
        payload = await _read_json(request)
        return {"recorded": store.append(team, severity, payload)}

    return app


async def _read_json(request: Request) -> Any:
    """The request's JSON body, refused when empty, over the size limit or not JSON. The body is
    read in chunks and abandoned past the limit, whatever Content-Length claims."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_BODY:
            break
    if not body or len(body) > _MAX_BODY:
        size = "more" if body else 0
        raise AlertSinkError(f"body: expected 1 to {_MAX_BODY} bytes of JSON, got {size}")
    try:
        return json.loads(bytes(body))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AlertSinkError(f"body: invalid JSON ({exc})") from None


class _QuietHealthChecks(logging.Filter):
    """Drops the access-log lines of /healthz, which make up polls."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (len(args) > 2 and str(args[2]).startswith("/healthz"))


def serve(*, host: str, port: int, directory: Path) -> None:
    """Serve the sink with uvicorn until interrupted (SIGINT or SIGTERM). The socket is bound
    here, so a port in use raises OSError for the caller to report (uvicorn would only log)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family)
    logging.getLogger("uvicorn.access").addFilter(_QuietHealthChecks())
    config = uvicorn.Config(build_app(AlertStore(directory)), log_level="info")
    with listener:
        uvicorn.Server(config).run(sockets=[listener])
