"""Locust scenario against the storefront: browse products, place an order, poll it to the end.

Run it through loadtests/run_loadtest.py (`make loadtest`), which sets:
- HOMEFIELD_LOADTEST_API_KEY: the storefront API key (default local-dev-key);
- HOMEFIELD_LOADTEST_ORDERS: a file that gets one JSON line per order the scenario followed to
  a terminal status (or gave up on), the body of GET /v1/orders/{id};
- HOMEFIELD_LOADTEST_USER_RATE: orders per second per user (constant throughput), or 0 for no
  pause between one order's end and the next.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from typing import Any

from locust import FastHttpUser, constant, constant_throughput, task

TERMINAL = frozenset({"SHIPPED", "CANCELLED"})
POLL_INTERVAL_SECONDS = 0.1
POLL_TIMEOUT_SECONDS = 30.0


def record_order(order: dict[str, Any]) -> None:
    path = os.environ.get("HOMEFIELD_LOADTEST_ORDERS")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(order) + "\n")


class Shopper(FastHttpUser):
    def on_start(self) -> None:
        key = os.environ.get("HOMEFIELD_LOADTEST_API_KEY", "local-dev-key")
        self.auth = {"Authorization": f"Bearer {key}"}
        self.customer_id = f"load-{uuid.uuid4().hex[:12]}"
        rate = float(os.environ.get("HOMEFIELD_LOADTEST_USER_RATE", "0"))
        self.pacing = constant_throughput(rate) if rate > 0 else constant(0)

    def wait_time(self) -> float:
        return self.pacing(self)

    @task
    def browse_order_and_wait(self) -> None:
        skus = self.browse()
        if not skus:
            return
        order_id = self.place_order(random.choice(skus))
        if order_id is not None:
            self.wait_until_terminal(order_id)

    def browse(self) -> list[str]:
        with self.client.get("/v1/products", headers=self.auth, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"GET /v1/products answered {response.status_code}")
                return []
            products = response.json()
        in_stock = [p["sku"] for p in products if p.get("available", 0) > 0]
        return in_stock or [p["sku"] for p in products]

    def place_order(self, sku: str) -> str | None:
        body = {
            "customer_id": self.customer_id,
            "items": [{"sku": sku, "quantity": 1}],
            "payment_token": "tok_visa",
        }
        headers = {**self.auth, "Idempotency-Key": str(uuid.uuid4())}
        with self.client.post(
            "/v1/orders", json=body, headers=headers, catch_response=True
        ) as response:
            if response.status_code != 202:
                response.failure(f"POST /v1/orders answered {response.status_code}")
                return None
            return str(response.json()["order_id"])

    def wait_until_terminal(self, order_id: str) -> None:
        deadline = time.monotonic() + POLL_TIMEOUT_SECONDS
        order: dict[str, Any] = {}
        while time.monotonic() < deadline:
            with self.client.get(
                f"/v1/orders/{order_id}",
                headers=self.auth,
                name="/v1/orders/{order_id}",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"GET /v1/orders/{{id}} answered {response.status_code}")
                    return
                order = response.json()
            if order.get("status") in TERMINAL:
                record_order(order)
                return
            time.sleep(POLL_INTERVAL_SECONDS)
        record_order(order)
