"""Orders' composition root."""

from __future__ import annotations

from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.inventory.v1.inventory_pb2_grpc import InventoryServiceStub
from shop.orders.v1.orders_pb2_grpc import add_OrderServiceServicer_to_server

from orders.adapters.repository import SCHEMA
from orders.entrypoints.grpc import OrderServicer
from orders.handlers import HANDLERS
from orders.settings import OrdersSettings


def build(settings: OrdersSettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(OrdersSettings)
    app = ServiceApp("orders", settings, schema=SCHEMA, **options)
    app.consume(HANDLERS)
    inventory = InventoryServiceStub(app.channel("shop.inventory.v1.InventoryService"))
    app.add_grpc(add_OrderServiceServicer_to_server, OrderServicer(app.db, inventory))
    return app
