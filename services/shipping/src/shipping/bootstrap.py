"""Shipping's composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.orders.v1.events_pb2 import OrderConfirmed
from shop.shipping.v1.shipping_pb2_grpc import add_ShippingServiceServicer_to_server

from shipping import handlers
from shipping.entrypoints.grpc import ShippingServicer
from shipping.settings import ShippingSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: ShippingSettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(ShippingSettings)
    app = ServiceApp("shipping", settings, migrations=MIGRATIONS, **options)
    app.handle("dispatch_shipment", OrderConfirmed, handlers.dispatch_shipment)
    app.add_grpc(
        add_ShippingServiceServicer_to_server, ShippingServicer(app.db), methods=["GetShipment"]
    )
    return app
