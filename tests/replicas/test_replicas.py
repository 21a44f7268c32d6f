"""The shop on PostgreSQL with two replicas of every consuming service (`make up STORE=postgres
REPLICAS=2`): the saga runs while one inventory replica and one orders replica are killed with
-9 at fixed order counts. Every order ends, nothing is captured twice, stock is exact, and the
replicas of each service shared the partitions."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from inventory.domain.catalogue import SEED_CATALOGUE
from shop_client import TERMINAL, ShopClient, order_body

pytestmark = pytest.mark.system
REPO = Path(__file__).resolve().parents[2]
HOMEFIELD = REPO / ".venv" / "bin" / "homefield"
ORDERS = 120
KILLS = {40: "inventory-2", 80: "orders"}  # after this many orders, kill -9 that replica
DECLINED_EVERY = 7  # every 7th order pays with a declined card: its stock is released
SKUS = [p.sku for p in SEED_CATALOGUE if p.stock >= ORDERS]
PG = "postgresql://postgres@127.0.0.1:5432/{}"
CONSUMERS = ("inventory", "payments", "shipping", "orders")
SECONDS_PER_ORDER = 2.0  # the deadline for the saga to settle grows with the work


def _homefield(*args: str) -> None:
    subprocess.run([str(HOMEFIELD), *args], cwd=REPO, check=True)


@pytest.fixture(scope="module")
def replicated_shop() -> Iterator[ShopClient]:
    _homefield("down")
    for state in ("data", "kafka", "postgres", "prometheus", "alertmanager", "alerts"):
        shutil.rmtree(REPO / ".run" / state, ignore_errors=True)
    _homefield("up", "--store", "postgres", "--replicas", "2")
    client = ShopClient.open(REPO)
    try:
        yield client
    finally:
        client.http.close()
        if not os.environ.get("HOMEFIELD_KEEP_UP"):
            _homefield("down")


def _kill_9(part: str) -> None:
    pid = int((REPO / ".run" / "pids" / f"{part}.pid").read_text().split()[0])
    os.killpg(pid, signal.SIGKILL)


def _place(shop: ShopClient, n: int) -> str:
    """Place order ``n``; a retry with the same key is safe (and what a client does)."""
    token = "tok_chargeDeclined" if n % DECLINED_EVERY == 0 else "tok_visa"
    body = order_body(sku=SKUS[n % len(SKUS)], quantity=1 + n % 2, token=token)
    for _ in range(20):
        try:
            response = shop.place(body, key=f"replicas-{n}")
        except httpx.TransportError:
            time.sleep(0.5)
            continue
        if response.status_code == 202:
            return str(response.json()["order_id"])
        assert response.status_code >= 500, response.text
        time.sleep(0.5)
    raise AssertionError(f"order {n} was never accepted")


def _consumed(port: int) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("kafka_consumed_messages_total{") and 'outcome="handled"' in line
    )


def _wait_terminal(shop: ShopClient, order_ids: list[str]) -> dict[str, dict[str, object]]:
    deadline = time.monotonic() + 120 + SECONDS_PER_ORDER * len(order_ids)
    orders = {order_id: shop.order(order_id) for order_id in order_ids}
    while any(order["status"] not in TERMINAL for order in orders.values()):
        pending = [oid for oid, order in orders.items() if order["status"] not in TERMINAL]
        assert time.monotonic() < deadline, f"{len(pending)} orders never ended, e.g. {pending[0]}"
        time.sleep(1)
        orders |= {order_id: shop.order(order_id) for order_id in pending}
    return orders


def test_the_saga_survives_killed_replicas_on_postgresql(replicated_shop: ShopClient) -> None:
    shop = replicated_shop
    before = shop.products()
    order_ids = [_place(shop, n) for n in range(min(KILLS))]
    _wait_terminal(shop, order_ids)
    # Both replicas of each consumer handled events: Kafka split the partitions between them.
    for service in CONSUMERS:
        http = {"inventory": 8083, "payments": 8084, "shipping": 8085, "orders": 8082}[service]
        assert _consumed(http) > 0 and _consumed(http + 100) > 0, service
    for n in range(min(KILLS), ORDERS):
        if n in KILLS:
            _kill_9(KILLS[n])
        order_ids.append(_place(shop, n))
    orders = _wait_terminal(shop, order_ids)

    statuses = Counter(str(order["status"]) for order in orders.values())
    assert set(statuses) <= TERMINAL and sum(statuses.values()) == ORDERS
    with psycopg.connect(PG.format("payments")) as conn:
        twice = conn.execute(
            "SELECT order_id FROM charges GROUP BY order_id HAVING COUNT(*) > 1"
        ).fetchall()
        captured = conn.execute("SELECT COUNT(*) FROM payments WHERE status = 'CAPTURED'")
        assert twice == [] and captured.fetchone()[0] == statuses["SHIPPED"]
    shipped: Counter[str] = Counter()
    for order in orders.values():
        if order["status"] == "SHIPPED":
            for item in order["items"]:  # type: ignore[attr-defined]
                shipped[item["sku"]] += item["quantity"]
    after = shop.products()
    for sku in SKUS:
        assert after[sku]["available"] == before[sku]["available"] - shipped[sku], sku
    with psycopg.connect(PG.format("inventory")) as conn:
        held = conn.execute("SELECT COUNT(*) FROM reservations WHERE state = 'held'").fetchone()
        assert held == (0,)
