import http.client
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from homefield.local import processes
from homefield.local.health import free_port, http_ok

pytestmark = pytest.mark.integration

PAGE = {
    "version": "4",
    "status": "firing",
    "receiver": "payments-page",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "PaymentsCaptureAvailability", "team": "payments"},
            "annotations": {"runbook_url": "services/payments/RUNBOOK.md#capture-availability"},
        }
    ],
}


def _request(url: str, body: bytes | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    homefield = Path(sys.executable).parent / "homefield"
    command = (str(homefield), "alert-sink", "--port", str(port), "--dir", str(tmp_path / "alerts"))
    pid_path = tmp_path / "sink.pid"
    pid = processes.spawn(command, cwd=tmp_path, log_path=tmp_path / "sink.log", pid_path=pid_path)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not http_ok(f"{url}/healthz") and processes.is_running(pid):
        assert time.monotonic() < deadline, (tmp_path / "sink.log").read_text()
        time.sleep(0.1)
    yield url, tmp_path / "alerts"
    processes.stop(pid_path, timeout=10)


def test_a_page_posted_by_alertmanager_is_listed_for_its_team(sink: tuple[str, Path]) -> None:
    url, directory = sink
    assert _request(f"{url}/alerts/payments/page", json.dumps(PAGE).encode()) == (
        200,
        {"recorded": 1},
    )
    status, body = _request(f"{url}/alerts?team=payments")
    assert status == 200
    [alert] = body["alerts"]
    assert alert["severity"] == "page"
    assert alert["alertname"] == "PaymentsCaptureAvailability"
    assert alert["annotations"]["runbook_url"].endswith("#capture-availability")
    assert _request(f"{url}/alerts?team=checkout") == (200, {"alerts": []})
    assert _request(f"{url}/alerts?team=payments&severity=ticket") == (200, {"alerts": []})
    assert len(_request(f"{url}/alerts?severity=page")[1]["alerts"]) == 1
    assert len(_request(f"{url}/alerts")[1]["alerts"]) == 1
    assert "PaymentsCaptureAvailability" in (directory / "payments.jsonl").read_text()


def test_bad_requests_get_a_reason_and_record_nothing(sink: tuple[str, Path]) -> None:
    url, directory = sink
    status, body = _request(f"{url}/alerts/payments/page", b"{not json")
    assert status == 400
    assert body["error"].startswith("body: invalid JSON")
    status, body = _request(f"{url}/alerts/payments", json.dumps(PAGE).encode())
    assert status == 404
    assert "/alerts/<team>/<severity>" in body["error"]
    assert _request(f"{url}/alerts?team=../x")[0] == 400
    assert _request(f"{url}/alerts") == (200, {"alerts": []})
    assert not directory.exists() or list(directory.iterdir()) == []


def test_a_content_length_that_is_not_a_number_gets_400(sink: tuple[str, Path]) -> None:
    """uvicorn's HTTP parser refuses the request before the app sees it."""
    url, directory = sink
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("POST", "/alerts/payments/page")
    connection.putheader("Content-Length", "many")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 400
    assert b"Invalid HTTP request" in response.read()
    connection.close()
    assert _request(f"{url}/alerts") == (200, {"alerts": []})
