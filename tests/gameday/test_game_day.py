"""Game day: half of payments' captures fail; the payments on-call gets paged with the runbook.
(The fast Prometheus it watches: tests/fast_prometheus.py.)
"""

import subprocess

import pytest
from console_browser import console_page
from fast_prometheus import firing_pages, sink_pages, wait_for
from homefield.local.control import restart_service
from shop_client import ShopClient, steady_orders

pytestmark = pytest.mark.system
FAULT = {"PAYMENTS_FAULTS": '{"capture_payment": {"error_rate": 0.5}}'}
RUNBOOK = "services/payments/RUNBOOK.md#capture-availability"
ALERT = "PaymentsCaptureAvailability"


def firing_page(prometheus: str) -> dict | None:
    pages = firing_pages(prometheus)
    return next((a for a in pages if a["labels"].get("alertname") == ALERT), None)


def sink_page() -> dict | None:
    return next((a for a in sink_pages("payments") if a["alertname"] == ALERT), None)


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
    restart_service("payments", root=shop.repo, env=FAULT)
    try:
        with steady_orders(shop, every=0.1, sku="SKU-GFT-001") as placed:
            alert = wait_for(lambda: firing_page(fast_prometheus), 240, "page alert firing")
            received = wait_for(sink_page, 120, "page at the payments receiver")
            on_console = wait_for(console_shows_the_page, 60, "page on the payments team page")
    finally:
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
