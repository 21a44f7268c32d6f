"""Payments' composition root."""

from __future__ import annotations

from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.payments.v1.payments_pb2_grpc import add_PaymentServiceServicer_to_server

from payments.adapters.ledger import SCHEMA
from payments.entrypoints.grpc import PaymentServicer
from payments.handlers import HANDLERS
from payments.settings import PaymentsSettings


def build(settings: PaymentsSettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(PaymentsSettings)
    app = ServiceApp("payments", settings, schema=SCHEMA, **options)
    app.consume(HANDLERS)
    app.add_grpc(add_PaymentServiceServicer_to_server, PaymentServicer(app.db))
    return app
