"""The console's service page shows the service's declared deviations with reason and evidence,
and links evidence only when it is a web address."""

from __future__ import annotations

from fastapi.testclient import TestClient
from homefield.console.app import ConsoleConfig, build_app
from homefield.console.sources import Endpoints
from homefield.local.health import free_port

DEVIATIONS = """deviations:
  - standard: retries-timeouts
    reason: Prices items under its own 5 s deadline
    evidence: https://dashboards.example/orders-latency
  - standard: runtime
    reason: A hand-rolled loop
    evidence: javascript:alert(1)
"""


def test_the_service_page_shows_deviations_with_reason_and_evidence(scratch):
    scratch.append("services/orders/service.yaml", DEVIATIONS)
    scratch.commit("alice", "orders: declare its deviations")
    dead = {name: f"http://127.0.0.1:{free_port()}" for name in ("p", "a", "z")}
    app = build_app(ConsoleConfig(scratch.root, Endpoints(dead["p"], dead["a"], dead["z"]), 0))
    with TestClient(app) as client:
        view = client.get("/api/services/orders").json()
        page = client.get("/services/orders")
        plain = client.get("/services/inventory")
    assert [(d["standard"], d["evidence_link"]) for d in view["deviations"]] == [
        ("retries-timeouts", "https://dashboards.example/orders-latency"),
        ("runtime", None),
    ]
    assert view["deviations"][0]["reason"] == "Prices items under its own 5 s deadline"
    assert page.status_code == 200
    html = page.text
    assert "Deviations from platform defaults" in html
    assert '<a href="https://dashboards.example/orders-latency">' in html
    assert "<code>javascript:alert(1)</code>" in html
    assert 'href="javascript' not in html
    assert "None: this service follows every platform default." in plain.text
