"""Notifications' composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.orders.v1 import events_pb2 as order_events

from notifications import handlers
from notifications.entrypoints.http import build_router
from notifications.settings import NotificationsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: NotificationsSettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(NotificationsSettings)
    app = ServiceApp("notifications", settings, migrations=MIGRATIONS, **options)
    app.handle("notify_order_placed", order_events.OrderPlaced, handlers.notify_order_placed)
    app.handle(
        "notify_order_confirmed", order_events.OrderConfirmed, handlers.notify_order_confirmed
    )
    app.handle("notify_order_shipped", order_events.OrderShipped, handlers.notify_order_shipped)
    app.handle(
        "notify_order_cancelled", order_events.OrderCancelled, handlers.notify_order_cancelled
    )
    app.http.include_router(build_router(app.db))
    return app
