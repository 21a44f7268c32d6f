"""Inventory's composition root."""

from __future__ import annotations

from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.inventory.v1.inventory_pb2_grpc import add_InventoryServiceServicer_to_server

from inventory.adapters.stock import SCHEMA, seed_scaled
from inventory.entrypoints.grpc import InventoryServicer
from inventory.handlers import HANDLERS
from inventory.settings import InventorySettings


def build(settings: InventorySettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(InventorySettings)
    app = ServiceApp(
        "inventory", settings, schema=SCHEMA, seed=seed_scaled(settings.seed_stock_scale), **options
    )
    app.consume(HANDLERS)
    app.add_grpc(add_InventoryServiceServicer_to_server, InventoryServicer(app.db))
    return app
