"""What must hold after every chaos round, each check returning the problems it found."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.consumer import AIOKafkaConsumer
from homefield.catalog import Catalog
from inventory.domain.catalogue import SEED_CATALOGUE
from shop_client import TERMINAL, ShopClient

# Every accepted order must be terminal this long after the load stops and every part answers.
SETTLE_SECONDS = 60.0
BOOTSTRAP = "127.0.0.1:9092"


def _query(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as conn:
        return list(conn.execute(sql, params).fetchall())


def not_terminal(data: Path, order_ids: list[str]) -> dict[str, str]:
    """Accepted orders that are not SHIPPED or CANCELLED yet, with their status."""
    statuses = dict(_query(data / "orders.sqlite3", "SELECT order_id, status FROM orders"))
    return {
        order_id: str(statuses.get(order_id, "MISSING"))
        for order_id in order_ids
        if statuses.get(order_id) not in TERMINAL
    }


def double_captures(data: Path) -> list[str]:
    rows = _query(
        data / "payments.sqlite3",
        "SELECT order_id FROM charges GROUP BY order_id HAVING COUNT(*) > 1",
    )
    return [str(order_id) for (order_id,) in rows]


def stock_problems(shop: ShopClient) -> list[str]:
    """Per SKU, available stock against the seed minus what shipped."""
    shipped = dict(
        _query(
            shop.data / "orders.sqlite3",
            "SELECT i.sku, SUM(i.quantity) FROM order_items i JOIN orders o USING (order_id)"
            " WHERE o.status = 'SHIPPED' GROUP BY i.sku",
        )
    )
    stock = shop.products()
    problems = []
    for product in SEED_CATALOGUE:
        expected = product.stock - int(shipped.get(product.sku, 0))  # type: ignore[call-overload]
        available = stock[product.sku]["available"]
        if available != expected:
            problems.append(f"{product.sku} has {available}, seed minus shipped is {expected}")
    return problems


async def _group_lag(catalog: Catalog) -> dict[str, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    probe = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    await probe.start()
    try:
        left: dict[str, int] = {}
        for entry in catalog.services.values():
            if not entry.spec.consumes:
                continue
            committed = await admin.list_consumer_group_offsets(entry.name)
            partitions = [
                TopicPartition(topic, p)
                for topic in entry.spec.consumes
                for p in (probe.partitions_for_topic(topic) or set())
            ]
            ends = await probe.end_offsets(partitions)
            left[entry.name] = sum(
                end - (committed[tp].offset if tp in committed else 0) for tp, end in ends.items()
            )
        return left
    finally:
        await probe.stop()
        await admin.close()


def lag_and_backlog(catalog: Catalog, data: Path) -> dict[str, int]:
    """Every consumer group's lag and every outbox backlog that is not 0."""
    found = {f"{name} lag": lag for name, lag in asyncio.run(_group_lag(catalog)).items()}
    for name, entry in catalog.services.items():
        if entry.spec.publishes:
            [(rows,)] = _query(data / f"{name}.sqlite3", "SELECT COUNT(*) FROM outbox")
            found[f"{name} outbox"] = int(rows)  # type: ignore[call-overload]
    return {what: count for what, count in found.items() if count}


def settle(check: Callable[[], object], deadline: float, pause: float = 0.5) -> object:
    """Call ``check`` until it finds nothing or ``deadline`` (monotonic) passes; return what it
    found last."""
    while True:
        found = check()
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(pause)
