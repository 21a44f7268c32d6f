"""Notifications' composition root."""

from __future__ import annotations

from typing import Any

from homefield.runtime import ServiceApp, load_settings

from notifications.adapters.sent_log import SCHEMA
from notifications.entrypoints.http import build_router
from notifications.handlers import HANDLERS
from notifications.settings import NotificationsSettings


def build(settings: NotificationsSettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(NotificationsSettings)
    app = ServiceApp("notifications", settings, schema=SCHEMA, **options)
    app.consume(HANDLERS)
    app.http.include_router(build_router(app.db))
    return app
