"""Orders' composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.inventory.v1 import events_pb2 as inventory_events
from shop.inventory.v1.inventory_pb2_grpc import InventoryServiceStub
from shop.orders.v1.orders_pb2_grpc import add_OrderServiceServicer_to_server
from shop.payments.v1 import events_pb2 as payment_events
from shop.shipping.v1 import events_pb2 as shipping_events

from orders import handlers
from orders.entrypoints.grpc import OrderServicer
from orders.settings import OrdersSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: OrdersSettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(OrdersSettings)
    app = ServiceApp("orders", settings, migrations=MIGRATIONS, **options)
    app.handle("mark_reserved", inventory_events.StockReserved, handlers.mark_reserved)
    app.handle("cancel_out_of_stock", inventory_events.StockRejected, handlers.cancel_out_of_stock)
    app.handle("confirm_order", payment_events.PaymentCaptured, handlers.confirm_order)
    app.handle(
        "cancel_payment_declined", payment_events.PaymentDeclined, handlers.cancel_payment_declined
    )
    app.handle("mark_shipped", shipping_events.ShipmentDispatched, handlers.mark_shipped)
    inventory = InventoryServiceStub(app.channel("shop.inventory.v1.InventoryService"))
    app.add_grpc(
        add_OrderServiceServicer_to_server,
        OrderServicer(app.db, inventory),
        methods=["PlaceOrder", "GetOrder"],
    )
    return app
