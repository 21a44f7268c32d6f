import json
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from homefield.local import alertsink
from homefield.local.alertsink import AlertSinkError, AlertStore, alert_records, build_app

WEBHOOK = {
    "version": "4",
    "status": "firing",
    "receiver": "payments-page",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "PaymentsCaptureBurnRate", "team": "payments", "slo": "x"},
            "annotations": {"runbook_url": "services/payments/RUNBOOK.md#capture"},
            "startsAt": "2026-01-01T00:00:00Z",
            "fingerprint": "abc",
        }
    ],
}


def test_each_alert_becomes_one_record_with_team_and_severity() -> None:
    [record] = alert_records("payments", "page", WEBHOOK)
    assert record["team"] == "payments"
    assert record["severity"] == "page"
    assert record["receiver"] == "payments-page"
    assert record["alertname"] == "PaymentsCaptureBurnRate"
    assert record["annotations"]["runbook_url"].endswith("#capture")


def test_the_store_keeps_pages_apart_by_team(tmp_path: Path) -> None:
    store = AlertStore(tmp_path / "alerts")
    assert store.append("payments", "page", WEBHOOK) == 1
    assert store.append("checkout", "ticket", WEBHOOK) == 1
    assert store.append("payments", "ticket", WEBHOOK) == 1
    assert [a["severity"] for a in store.read("payments")] == ["page", "ticket"]
    assert [a["team"] for a in store.read()] == ["checkout", "payments", "payments"]
    assert store.read("weblab") == []
    assert (tmp_path / "alerts" / "payments.jsonl").read_text().count("\n") == 2


@pytest.mark.parametrize(
    ("team", "severity", "payload", "message"),
    [
        ("../etc", "page", WEBHOOK, "team '../etc' in the path is not a name"),
        ("payments", "Page!", WEBHOOK, "severity 'Page!' in the path is not a name"),
        ("payments", "page", [1, 2], "expected an Alertmanager webhook object"),
        ("payments", "page", {"alerts": ["x"]}, r"alerts\[0\] is not an alert object"),
    ],
)
def test_bad_webhooks_are_refused_with_the_reason(
    tmp_path: Path, team: str, severity: str, payload: object, message: str
) -> None:
    with pytest.raises(AlertSinkError, match=message):
        AlertStore(tmp_path).append(team, severity, payload)
    assert list(tmp_path.iterdir()) == []


def test_reading_a_bad_team_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AlertSinkError, match="not a team name"):
        AlertStore(tmp_path).read("../../etc/passwd")


def test_reading_waits_until_an_append_in_progress_is_written(tmp_path: Path) -> None:
    store = AlertStore(tmp_path)
    read: list[list[dict[str, object]]] = []
    with store._lock:  # an append holds the lock while it writes
        reader = threading.Thread(target=lambda: read.append(store.read("payments")))
        reader.start()
        reader.join(0.2)
        assert reader.is_alive()
        store.directory.joinpath("payments.jsonl").write_text('{"alertname": "A"}\n')
    reader.join()
    assert read == [[{"alertname": "A"}]]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error"),
    [
        ("POST", "/alerts/payments/page", b"", 400, "body: expected 1 to 64 bytes of JSON, got 0"),
        (
            "POST",
            "/alerts/payments/page",
            b"[" * 65,
            400,
            "expected 1 to 64 bytes of JSON, got more",
        ),
        ("POST", "/alerts/payments/page", b"{nope", 400, "body: invalid JSON"),
        ("POST", "/alerts/payments/page", b"[1]", 400, "expected an Alertmanager webhook object"),
        ("POST", "/alerts/Pay!/page", b"{}", 400, "team 'Pay!' in the path is not a name"),
        ("POST", "/alerts/payments", b"{}", 404, "post alerts to /alerts/<team>/<severity>"),
        ("GET", "/nowhere", None, 404, "no such path: /nowhere"),
        ("GET", "/alerts?team=../x", None, 400, "team '../x' is not a team name"),
    ],
)
def test_the_http_api_refuses_bad_requests_with_the_reason(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    path: str,
    body: bytes | None,
    status: int,
    error: str,
) -> None:
    monkeypatch.setattr(alertsink, "_MAX_BODY", 64)
    client = TestClient(build_app(AlertStore(tmp_path / "alerts")))
    response = client.request(method, path, content=body)
    assert response.status_code == status
    assert error in response.json()["error"]
    assert not (tmp_path / "alerts").exists()


def test_the_http_api_records_a_webhook_and_lists_it_by_team_and_severity(tmp_path: Path) -> None:
    client = TestClient(build_app(AlertStore(tmp_path)))
    response = client.post("/alerts/payments/page", content=json.dumps(WEBHOOK))
    assert (response.status_code, response.json()) == (200, {"recorded": 1})
    assert client.get("/healthz").json() == {"status": "ok"}
    [alert] = client.get("/alerts", params={"team": "payments"}).json()["alerts"]
    assert alert["alertname"] == "PaymentsCaptureBurnRate"
    assert client.get("/alerts", params={"severity": "ticket"}).json() == {"alerts": []}
