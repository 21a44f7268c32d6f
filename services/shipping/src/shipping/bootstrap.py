"""Shipping's composition root."""

from __future__ import annotations

from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.shipping.v1.shipping_pb2_grpc import add_ShippingServiceServicer_to_server

from shipping.adapters.shipments import SCHEMA
from shipping.entrypoints.grpc import ShippingServicer
from shipping.handlers import HANDLERS
from shipping.settings import ShippingSettings


def build(settings: ShippingSettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(ShippingSettings)
    app = ServiceApp("shipping", settings, schema=SCHEMA, **options)
    app.consume(HANDLERS)
    app.add_grpc(add_ShippingServiceServicer_to_server, ShippingServicer(app.db))
    return app
