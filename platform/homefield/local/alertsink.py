"""The local alert sink: Alertmanager's webhook receivers post here, one JSON line per alert.

POST /alerts/<team>/<severity>   an Alertmanager webhook payload; each alert is appended
                                 to <dir>/<team>.jsonl
GET  /alerts[?team=&severity=]   {"alerts": [...]}: every recorded alert, oldest first per team
GET  /healthz                    200 while serving
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ALERT_PATH = re.compile(r"^/alerts/([^/]+)/([^/]+)/?$")
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


class AlertSinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: AlertStore) -> None:
        super().__init__(address, _Handler)
        self.store = store


class _Handler(BaseHTTPRequestHandler):
    server: AlertSinkServer

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        url = urlsplit(self.path)
        if url.path == "/healthz":
            self._reply(HTTPStatus.OK, {"status": "ok"})
        elif url.path.rstrip("/") == "/alerts":
            query = parse_qs(url.query)
            team, severity = query.get("team", [None])[0], query.get("severity", [None])[0]
            try:
                alerts = self.server.store.read(team)
                if severity is not None:
                    alerts = [alert for alert in alerts if alert["severity"] == severity]
                self._reply(HTTPStatus.OK, {"alerts": alerts})
            except AlertSinkError as exc:
                self._reply(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
        else:
            self._reply(HTTPStatus.NOT_FOUND, {"error": f"no such path: {url.path}"})

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
        match = _ALERT_PATH.match(urlsplit(self.path).path)
        if match is None:
            self._reply(HTTPStatus.NOT_FOUND, {"error": "post alerts to /alerts/<team>/<severity>"})
            return
        try:
            payload = self._read_json()
            count = self.server.store.append(match.group(1), match.group(2), payload)
        except AlertSinkError as exc:
            self._reply(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        self._reply(HTTPStatus.OK, {"recorded": count})

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not self.path.startswith("/healthz"):
            super().log_request(code, size)

    def _read_json(self) -> Any:
        header = self.headers.get("Content-Length") or "0"
        try:
            length = int(header)
        except ValueError:
            raise AlertSinkError(f"Content-Length: expected a number, got {header!r}") from None
        if length <= 0 or length > _MAX_BODY:
            raise AlertSinkError(f"body: expected 1 to {_MAX_BODY} bytes of JSON, got {length}")
        try:
            return json.loads(self.rfile.read(length))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise AlertSinkError(f"body: invalid JSON ({exc})") from None

    def _reply(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(*, host: str, port: int, directory: Path) -> None:
    """Serve the sink until interrupted."""
    with AlertSinkServer((host, port), AlertStore(directory)) as server:
        server.serve_forever()
