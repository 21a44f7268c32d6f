"""A small client for the running shop's public API, for system and chaos tests."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

STOREFRONT = "http://127.0.0.1:8080"
NOTIFICATIONS = "http://127.0.0.1:8086"
API_KEY = "local-dev-key"
TERMINAL = {"SHIPPED", "CANCELLED"}


@dataclass
class ShopClient:
    http: httpx.Client
    repo: Path

    @classmethod
    def open(cls, repo: Path) -> ShopClient:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        return cls(httpx.Client(base_url=STOREFRONT, headers=headers, timeout=15), repo)

    @property
    def data(self) -> Path:
        """Where the running shop keeps each service's SQLite file."""
        return self.repo / ".run" / "data"

    def products(self) -> dict[str, dict[str, Any]]:
        response = self.http.get("/v1/products")
        response.raise_for_status()
        return {p["sku"]: p for p in response.json()}

    def place(self, body: dict[str, Any], key: str | None = None) -> httpx.Response:
        return self.http.post(
            "/v1/orders", json=body, headers={"Idempotency-Key": key or str(uuid.uuid4())}
        )

    def order(self, order_id: str) -> dict[str, Any]:
        response = self.http.get(f"/v1/orders/{order_id}")
        response.raise_for_status()
        return dict(response.json())

    def wait_terminal(self, order_id: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            order = self.order(order_id)
            if order["status"] in TERMINAL:
                return order
            if time.monotonic() > deadline:
                raise AssertionError(f"order {order_id} still {order['status']} after {timeout}s")
            time.sleep(0.1)

    def notifications(self, order_id: str) -> list[dict[str, Any]]:
        response = httpx.get(f"{NOTIFICATIONS}/v1/notifications", params={"order_id": order_id})
        response.raise_for_status()
        return list(response.json())


def order_body(
    *,
    sku: str = "SKU-TEA-001",
    quantity: int = 1,
    token: str = "tok_visa",
    customer: str | None = None,
) -> dict[str, Any]:
    return {
        "customer_id": customer or f"cust-{uuid.uuid4().hex[:8]}",
        "items": [{"sku": sku, "quantity": quantity}],
        "payment_token": token,
    }


@contextmanager
def steady_orders(shop: ShopClient, every: float, sku: str) -> Iterator[list[str]]:
    """Place an order every `every` seconds until the block ends; yields the placed order ids."""
    stop = threading.Event()
    placed: list[str] = []

    def traffic() -> None:
        while not stop.is_set():
            response = shop.place(order_body(sku=sku))
            if response.status_code == 202:
                placed.append(response.json()["order_id"])
            stop.wait(every)

    sender = threading.Thread(target=traffic)
    sender.start()
    try:
        yield placed
    finally:
        stop.set()
        sender.join()
