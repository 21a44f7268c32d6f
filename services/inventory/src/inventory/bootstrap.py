"""Inventory's composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.inventory.v1.inventory_pb2_grpc import add_InventoryServiceServicer_to_server
from shop.orders.v1 import events_pb2 as order_events

from inventory import handlers
from inventory.adapters.stock import seed_scaled
from inventory.entrypoints.grpc import InventoryServicer
from inventory.settings import InventorySettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: InventorySettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(InventorySettings)
    app = ServiceApp(
        "inventory",
        settings,
        migrations=MIGRATIONS,
        seed=seed_scaled(settings.seed_stock_scale),
        **options,
    )
    app.handle("reserve_stock", order_events.OrderPlaced, handlers.reserve_stock)
    app.handle("release_reservation", order_events.OrderCancelled, handlers.release_reservation)
    app.handle("settle_shipped_stock", order_events.OrderShipped, handlers.settle_shipped_stock)
    app.add_grpc(
        add_InventoryServiceServicer_to_server, InventoryServicer(app.db), methods=["ListProducts"]
    )
    return app
