"""Game day: orders' outbox relay delivers nothing (fault key ``outbox-relay``, error rate 1.0).

No event reaches any consumer, so no consumer's freshness can see the stall: the outbox-delivery
SLO must page checkout, and only checkout, with the orders runbook; orders' /readyz fails and
/info says why. Once the fault is lifted every order placed meanwhile finishes.
(The fast Prometheus it watches: tests/fast_prometheus.py.)
"""

import httpx
import pytest
from fast_prometheus import firing_pages, sink_pages, wait_for
from homefield.local.control import restart_service
from shop_client import ShopClient, steady_orders

pytestmark = pytest.mark.system
FAULT = {"ORDERS_FAULTS": '{"outbox-relay": {"error_rate": 1.0}}'}
ALERT = "OrdersOutboxDelivery"
RUNBOOK = "services/orders/RUNBOOK.md#outbox-delivery"
ORDERS_HTTP = "http://127.0.0.1:8082"


def checkout_page(prometheus: str) -> dict | None:
    return next((a for a in firing_pages(prometheus) if a["labels"]["alertname"] == ALERT), None)


def not_ready() -> httpx.Response | None:
    response = httpx.get(f"{ORDERS_HTTP}/readyz")
    return response if response.status_code == 503 else None


def test_a_stuck_relay_pages_checkout_and_only_checkout(
    shop: ShopClient, fast_prometheus: str
) -> None:
    restart_service("orders", root=shop.repo, env=FAULT)
    try:
        with steady_orders(shop, every=0.5, sku="SKU-GFT-001") as placed:
            alert = wait_for(lambda: checkout_page(fast_prometheus), 300, "checkout page firing")
            paged = {a["labels"]["team"] for a in firing_pages(fast_prometheus)}
            received = wait_for(
                lambda: next((a for a in sink_pages("checkout") if a["alertname"] == ALERT), None),
                120,
                "page at the checkout receiver",
            )
            # /readyz fails once the oldest row is 60 s old (the page may come before that).
            ready = wait_for(not_ready, 180, "orders /readyz failing")
            info = httpx.get(f"{ORDERS_HTTP}/info").json()
    finally:
        restart_service("orders", root=shop.repo, timeout=180)
    statuses = {shop.wait_terminal(order_id, timeout=60)["status"] for order_id in placed}
    assert paged == {"checkout"}, f"pages went to {sorted(paged)}"
    assert alert["labels"]["team"] == "checkout"
    assert alert["annotations"]["runbook_url"].endswith(RUNBOOK)
    assert received["receiver"] == "checkout-oncall"
    assert received["annotations"]["runbook_url"].endswith(RUNBOOK)
    assert ready.json()["checks"]["outbox"] is False
    assert "ORDERS_OUTBOX_MAX_AGE_SECONDS" in info["not_ready"]["outbox"]
    assert placed and statuses == {"SHIPPED"}
