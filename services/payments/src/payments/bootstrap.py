"""Payments' composition root: the card gateway is chosen here and injected into the handler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.orders.v1.events_pb2 import OrderReserved
from shop.payments.v1.payments_pb2_grpc import add_PaymentServiceServicer_to_server

from payments import handlers
from payments.adapters.card_gateway import StripeTestGateway
from payments.domain.gateway import CardGateway
from payments.entrypoints.grpc import PaymentServicer
from payments.settings import PaymentsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build(
    settings: PaymentsSettings | None = None,
    *,
    gateway: CardGateway | None = None,
    **options: Any,
) -> ServiceApp:
    settings = settings or load_settings(PaymentsSettings)
    app = ServiceApp("payments", settings, migrations=MIGRATIONS, **options)
    app.handle(
        "capture_payment",
        OrderReserved,
        handlers.capture_payment,
        gateway=gateway or StripeTestGateway(),
    )
    app.add_grpc(
        add_PaymentServiceServicer_to_server, PaymentServicer(app.db), methods=["GetPayment"]
    )
    return app
