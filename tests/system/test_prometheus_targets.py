"""The local Prometheus that `make up` starts scrapes every service and loads the rules."""

import time

import httpx
import pytest
from homefield.catalog import Catalog
from shop_client import ShopClient

pytestmark = pytest.mark.system
PROMETHEUS = "http://127.0.0.1:9090"


def healthy_targets() -> set[str]:
    targets = httpx.get(f"{PROMETHEUS}/api/v1/targets").json()["data"]["activeTargets"]
    return {t["labels"]["service"] for t in targets if t["health"] == "up"}


def test_every_service_is_a_healthy_scrape_target_and_the_rules_are_loaded(
    shop: ShopClient,
) -> None:
    services = set(Catalog.load(shop.repo).services)
    deadline = time.monotonic() + 60  # the first scrape of each target takes up to 5 s
    while healthy_targets() != services and time.monotonic() < deadline:
        time.sleep(1)
    assert healthy_targets() == services
    groups = httpx.get(f"{PROMETHEUS}/api/v1/rules").json()["data"]["groups"]
    alerts = {r["name"] for group in groups for r in group["rules"] if r["type"] == "alerting"}
    assert {"PaymentsCaptureAvailability", "OrdersPlaceOrderAvailability"} <= alerts
