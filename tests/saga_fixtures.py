"""Cross-service integration setup: orders and inventory in-process on a real broker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
from homefield.runtime.service import ServiceApp
from homefield.testing.service import create_topics, endpoints_of, running, unique_prefix
from inventory.bootstrap import build as build_inventory
from inventory.settings import InventorySettings
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from orders.bootstrap import build as build_orders
from orders.settings import OrdersSettings
from shop.orders.v1 import orders_pb2, orders_pb2_grpc


class Shop:
    def __init__(
        self, orders: ServiceApp, inventory: ServiceApp, spans: InMemorySpanExporter
    ) -> None:
        self.orders = orders
        self.inventory = inventory
        self.spans = spans
        self.channel = grpc.aio.insecure_channel(f"127.0.0.1:{orders.grpc_port}")
        self.stub = orders_pb2_grpc.OrderServiceStub(self.channel)

    async def get(self, order_id: str) -> orders_pb2.Order:
        response = await self.stub.GetOrder(orders_pb2.GetOrderRequest(order_id=order_id))
        return response.order


@asynccontextmanager
async def shop(
    bootstrap: str,
    tmp_path: Path,
    prefix: str | None = None,
    database_url: Callable[[str], str] | None = None,
) -> AsyncIterator[Shop]:
    """orders and inventory in-process; each in SQLite under ``tmp_path`` unless
    ``database_url(service)`` names another database."""
    prefix = prefix or unique_prefix()
    url = database_url or (lambda service: f"sqlite:///{tmp_path / f'{service}.sqlite3'}")
    await create_topics(bootstrap, prefix)
    spans = InMemorySpanExporter()
    common = {"kafka_bootstrap": bootstrap, "topic_prefix": prefix, "grpc_port": 0, "http_port": 0}
    inventory = build_inventory(
        InventorySettings(database_url=url("inventory"), **common),
        span_processors=[SimpleSpanProcessor(spans)],
    )
    async with running(inventory):
        orders = build_orders(
            OrdersSettings(
                database_url=url("orders"),
                endpoints=endpoints_of(inventory),
                **common,
            ),
            span_processors=[SimpleSpanProcessor(spans)],
        )
        async with running(orders):
            world = Shop(orders, inventory, spans)
            try:
                yield world
            finally:
                await world.channel.close()


def place_request(
    key: str, *, sku: str = "SKU-TEA-001", quantity: int = 1
) -> orders_pb2.PlaceOrderRequest:
    return orders_pb2.PlaceOrderRequest(
        customer_id="cust-1",
        items=[orders_pb2.OrderItem(sku=sku, quantity=quantity)],
        payment_token="tok_visa",
        idempotency_key=key,
    )
