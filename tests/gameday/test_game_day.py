"""Game day: half of payments' captures fail; the payments on-call gets paged with the runbook.

The rules are rendered with windows shortened 20x (`homefield render --window-scale 20`, a
test-only option) into a temporary directory and loaded by a second Prometheus that scrapes the
running shop and alerts through the shop's Alertmanager to the local alert sink.
"""

import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from console_browser import console_page
from homefield.local.control import restart_service
from homefield.local.health import free_port
from shop_client import ShopClient, order_body

pytestmark = pytest.mark.system
FAULT = {"PAYMENTS_FAULTS": '{"capture_payment": {"error_rate": 0.5}}'}
RUNBOOK = "services/payments/RUNBOOK.md#capture-availability"
SINK = "http://127.0.0.1:9097/alerts"


@pytest.fixture
def fast_prometheus(shop: ShopClient, tmp_path: Path) -> Iterator[str]:
    homefield = shop.repo / ".venv" / "bin" / "homefield"
    subprocess.run(
        [str(homefield), "render", "--window-scale", "20", "--out", str(tmp_path)],
        cwd=shop.repo,
        check=True,
        capture_output=True,
    )
    port = free_port()
    config = tmp_path / "deploy" / "prometheus" / "prometheus.yml"
    with (tmp_path / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(
            [
                "prometheus",
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: httpx.get(f"{url}/-/ready").status_code == 200, 60, "prometheus ready")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except httpx.HTTPError:
            result = None
        if result:
            return result
        time.sleep(2)
    raise AssertionError(f"{what}: not within {timeout}s")


def firing_page(prometheus: str) -> dict | None:
    alerts = httpx.get(f"{prometheus}/api/v1/alerts").json()["data"]["alerts"]
    return next(
        (
            a
            for a in alerts
            if a["state"] == "firing"
            and a["labels"].get("alertname") == "PaymentsCaptureAvailability"
            and a["labels"].get("severity") == "page"
        ),
        None,
    )


def sink_page() -> dict | None:
    alerts = httpx.get(SINK, params={"team": "payments", "severity": "page"}).json()["alerts"]
    return next((a for a in alerts if a["alertname"] == "PaymentsCaptureAvailability"), None)


def console_shows_the_page() -> dict[str, str] | None:
    """The page's row on the payments team page of the console, read in Chromium."""
    with console_page() as tab:
        tab.open("/teams/payments")
        row = tab.page.locator("tr[data-alert='PaymentsCaptureAvailability']")
        if row.count() == 0 or row.locator(".sev-page").count() == 0:
            return None
        found = {
            "runbook": row.locator("a.runbook").get_attribute("href") or "",
            "runbook_source": row.locator("a.runbook-source").get_attribute("href") or "",
        }
        tab.assert_no_errors()
        return found


def test_a_capture_error_burst_pages_the_payments_on_call(
    shop: ShopClient, fast_prometheus: str
) -> None:
    stop = threading.Event()
    placed: list[str] = []

    def traffic() -> None:
        while not stop.is_set():
            response = shop.place(order_body(sku="SKU-GFT-001"))
            if response.status_code == 202:
                placed.append(response.json()["order_id"])
            time.sleep(0.1)

    restart_service("payments", root=shop.repo, env=FAULT)
    sender = threading.Thread(target=traffic)
    sender.start()
    try:
        alert = wait_for(lambda: firing_page(fast_prometheus), 240, "page alert firing")
        received = wait_for(sink_page, 120, "page at the payments receiver")
        on_console = wait_for(console_shows_the_page, 60, "page on the payments team page")
    finally:
        stop.set()
        sender.join()
        restart_service("payments", root=shop.repo)
    # After the game day: replay what the fault dead-lettered, and every order finishes.
    homefield = shop.repo / ".venv" / "bin" / "homefield"
    replay = subprocess.run(
        [str(homefield), "dlq", "replay", "payments"],
        cwd=shop.repo,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "dead letter(s) from payments.dlq" in replay.stdout
    statuses = {shop.wait_terminal(order_id, timeout=60)["status"] for order_id in placed}
    assert placed and statuses == {"SHIPPED"}
    assert alert["labels"]["team"] == "payments"
    assert alert["annotations"]["runbook_url"].endswith(RUNBOOK)
    assert received["receiver"] == "payments-oncall"
    assert received["annotations"]["runbook_url"].endswith(RUNBOOK)
    assert on_console["runbook_source"].endswith(RUNBOOK)
    assert on_console["runbook"] == "/services/payments#capture-availability"
