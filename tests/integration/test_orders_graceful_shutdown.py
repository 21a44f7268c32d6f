"""SIGTERM in the middle of a stream of orders: nothing lost, nothing applied twice."""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from homefield.catalog import find_repo_root
from homefield.local.health import free_port
from homefield.testing.service import create_topics, eventually, service_env, unique_prefix
from shop.orders.v1 import orders_pb2, orders_pb2_grpc

pytestmark = pytest.mark.integration
ORDERS = 200
START_DEADLINE_SECONDS = 120


class Process:
    """One service as a real OS process, as `homefield up` runs it."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name, self.env, self.log = name, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", self.name],
                env={**os.environ, **self.env},
                cwd=find_repo_root(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def terminate(self) -> tuple[int, float]:
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=15)
        return code, time.monotonic() - started


async def place_with_retry(stub: orders_pb2_grpc.OrderServiceStub, n: int) -> str:
    request = orders_pb2.PlaceOrderRequest(
        customer_id=f"c{n}",
        payment_token="tok_visa",
        idempotency_key=f"stream-{n}",
        items=[orders_pb2.OrderItem(sku="SKU-GFT-001", quantity=1)],
    )
    # A (re)started process may take a while to import and start on a busy machine: the
    # deadline is for a process start, not a measure of speed.
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        try:
            return (await stub.PlaceOrder(request, timeout=2)).order.order_id
        except grpc.aio.AioRpcError as exc:
            if exc.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                raise
            await asyncio.sleep(0.1)
    raise AssertionError(f"order {n} never accepted")


async def test_sigterm_mid_stream_loses_no_order_and_applies_none_twice(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    prefix = unique_prefix()
    await create_topics(kafka_bootstrap, prefix)
    ports = {"orders": (free_port(), free_port()), "inventory": (free_port(), free_port())}
    procs = {}
    inventory = {"shop.inventory.v1.InventoryService": [f"127.0.0.1:{ports['inventory'][0]}"]}
    for name, (grpc_port, http_port) in ports.items():
        env = service_env(
            name,
            bootstrap=kafka_bootstrap,
            prefix=prefix,
            data_dir=tmp_path,
            grpc_port=grpc_port,
            http_port=http_port,
            **({"endpoints": inventory} if name == "orders" else {}),
        )
        procs[name] = Process(name, env, tmp_path / f"{name}.log")
        procs[name].start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{ports['orders'][0]}")
    stub = orders_pb2_grpc.OrderServiceStub(channel)
    exits = []
    try:
        for n in range(ORDERS):
            await place_with_retry(stub, n)
            if n in (60, 140):
                victim = procs["inventory" if n == 60 else "orders"]
                exits.append(victim.terminate())
                victim.start()
        db = sqlite3.connect(tmp_path / "orders.sqlite3")

        def all_reserved() -> bool:
            rows = db.execute("SELECT status, COUNT(*) FROM orders GROUP BY status").fetchall()
            return dict(rows) == {"RESERVED": ORDERS}

        await eventually(all_reserved, timeout=60)
    finally:
        await channel.close()
        for proc in procs.values():
            exits.append(proc.terminate())
    assert all(code == 0 and seconds < 10 for code, seconds in exits), exits
    stock = (
        sqlite3.connect(tmp_path / "inventory.sqlite3")
        .execute("SELECT available, reserved FROM products WHERE sku = 'SKU-GFT-001'")
        .fetchone()
    )
    assert tuple(stock) == (1000 - ORDERS, ORDERS)
    reservations = (
        sqlite3.connect(tmp_path / "inventory.sqlite3")
        .execute("SELECT COUNT(*) FROM reservations")
        .fetchone()[0]
    )
    assert reservations == ORDERS
