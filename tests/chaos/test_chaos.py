"""Chaos: a stream of orders survives a kill -9 of a consumer service and a broker restart."""

import asyncio
import random
import sqlite3
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.consumer import AIOKafkaConsumer
from homefield.catalog import Catalog
from homefield.local.control import kill_service, restart_broker, start_service
from inventory.domain.catalogue import SEED_CATALOGUE
from shop_client import ShopClient, order_body

pytestmark = pytest.mark.system
ORDERS = 500
RATE = 25  # orders per second: the stream lasts about 20 s, long enough to span both faults
SKUS = [p.sku for p in SEED_CATALOGUE if p.stock >= 250]


def stream_orders(shop: ShopClient, count: int, placed: list[str], lock: threading.Lock) -> None:
    rng = random.Random(42)
    start = time.monotonic()

    def one(n: int) -> None:
        time.sleep(max(0.0, start + n / RATE - time.monotonic()))
        token = "tok_chargeDeclined" if n % 10 == 0 else "tok_visa"
        body = order_body(sku=rng.choice(SKUS), quantity=1 + n % 2, token=token)
        for _ in range(50):  # the storefront may answer 503 while a dependency restarts
            response = shop.place(body, key=f"chaos-{n}")
            if response.status_code == 202:
                with lock:
                    placed.append(response.json()["order_id"])
                return
            time.sleep(0.2)
        raise AssertionError(
            f"order {n} was never accepted: {response.status_code} {response.text}"
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(count)))


async def unhandled_events(bootstrap: str, catalog: Catalog) -> dict[str, int]:
    """Per consumer group, events on its topics beyond its committed offsets."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await admin.start()
    await probe.start()
    try:
        left: dict[str, int] = {}
        for entry in catalog.services.values():
            committed = await admin.list_consumer_group_offsets(entry.name)
            partitions = [
                TopicPartition(t, p)
                for t in entry.spec.consumes
                for p in (probe.partitions_for_topic(t) or set())
            ]
            ends = await probe.end_offsets(partitions)
            left[entry.name] = sum(
                end - (committed[tp].offset if tp in committed else 0) for tp, end in ends.items()
            )
        return left
    finally:
        await probe.stop()
        await admin.close()


def test_orders_survive_a_killed_consumer_and_a_broker_restart(shop: ShopClient) -> None:
    placed: list[str] = []
    lock = threading.Lock()
    streamer = threading.Thread(target=stream_orders, args=(shop, ORDERS, placed, lock))
    streamer.start()
    while len(placed) < ORDERS * 0.2:
        time.sleep(0.05)
    placed_at_kill = len(placed)
    kill_service("payments")
    time.sleep(2)
    start_service("payments")
    while len(placed) < ORDERS * 0.5 and streamer.is_alive():
        time.sleep(0.05)
    placed_at_restart = len(placed)
    restart_broker()
    streamer.join(timeout=300)
    assert len(placed) == ORDERS
    assert placed_at_kill < placed_at_restart < ORDERS, "the faults must land mid-stream"

    final = [shop.wait_terminal(order_id, timeout=180) for order_id in placed]
    assert Counter(o["status"] for o in final).keys() <= {"SHIPPED", "CANCELLED"}

    data = shop.data
    with sqlite3.connect(data / "payments.sqlite3") as payments:
        captures = payments.execute(
            "SELECT order_id, COUNT(*) FROM charges GROUP BY order_id"
        ).fetchall()
    captured = {order_id: count for order_id, count in captures if order_id in set(placed)}
    assert all(count == 1 for count in captured.values()), "an order was charged twice"
    assert set(captured) == {o["order_id"] for o in final if o["status"] == "SHIPPED"}

    with sqlite3.connect(data / "orders.sqlite3") as orders:
        shipped = dict(
            orders.execute(
                "SELECT i.sku, SUM(i.quantity) FROM order_items i JOIN orders o USING (order_id)"
                " WHERE o.status = 'SHIPPED' GROUP BY i.sku"
            ).fetchall()
        )
    stock = shop.products()
    for product in SEED_CATALOGUE:
        assert stock[product.sku]["available"] == product.stock - shipped.get(product.sku, 0), (
            product.sku
        )

    catalog = Catalog.load(shop.repo)
    left = asyncio.run(unhandled_events("127.0.0.1:9092", catalog))
    assert left == {name: 0 for name in left}, left
