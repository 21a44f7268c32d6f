"""storefront in-process with the real orders, inventory and experiments on a real broker."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from experiments.bootstrap import build as build_experiments
from experiments.settings import ExperimentsSettings
from homefield.runtime.service import ServiceApp
from homefield.testing.service import create_topics, endpoints_of, running, unique_prefix
from inventory.bootstrap import build as build_inventory
from inventory.settings import InventorySettings
from orders.bootstrap import build as build_orders
from orders.settings import OrdersSettings
from storefront.bootstrap import build as build_storefront
from storefront.settings import StorefrontSettings

API_KEY = "integration-test-key"
EXPERIMENTS = "shop.experiments.v1.ExperimentService"
AUTH = {"Authorization": f"Bearer {API_KEY}"}


@dataclass
class LiveShop:
    storefront: ServiceApp
    orders: ServiceApp
    http: httpx.AsyncClient

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.storefront.http_port}"

    async def place(self, body: dict, key: str) -> httpx.Response:
        return await self.http.post(
            "/v1/orders", json=body, headers={**AUTH, "Idempotency-Key": key}
        )

    async def get(self, path: str) -> httpx.Response:
        return await self.http.get(path, headers=AUTH)

    def orders_stored(self) -> int:
        return int(self.orders.db.conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0])


def closed_port() -> int:
    """A local port nothing listens on: calls to it fail as a stopped service's would."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def live_shop(
    bootstrap: str,
    tmp_path: Path,
    *,
    with_experiments: bool = True,
) -> AsyncIterator[LiveShop]:
    prefix = unique_prefix()
    await create_topics(bootstrap, prefix)
    common = {"kafka_bootstrap": bootstrap, "topic_prefix": prefix, "grpc_port": 0, "http_port": 0}
    inventory = build_inventory(
        InventorySettings(database_url=f"sqlite:///{tmp_path / 'inventory.sqlite3'}", **common)
    )
    callees = [inventory]
    if with_experiments:
        settings = ExperimentsSettings(
            database_url=f"sqlite:///{tmp_path / 'experiments.sqlite3'}", **common
        )
        callees.append(build_experiments(settings))
    async with running(*callees):
        orders = build_orders(
            OrdersSettings(
                database_url=f"sqlite:///{tmp_path / 'orders.sqlite3'}",
                endpoints=endpoints_of(inventory),
                **common,
            )
        )
        async with running(orders):
            endpoints = endpoints_of(orders, *callees)
            if not with_experiments:
                endpoints[EXPERIMENTS] = (f"127.0.0.1:{closed_port()}",)
            storefront = build_storefront(
                StorefrontSettings(
                    api_keys=(API_KEY,),
                    database_url=f"sqlite:///{tmp_path / 'storefront.sqlite3'}",
                    endpoints=endpoints,
                    **common,
                )
            )
            async with running(storefront):
                base = f"http://127.0.0.1:{storefront.http_port}"
                async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                    yield LiveShop(storefront, orders, http)
