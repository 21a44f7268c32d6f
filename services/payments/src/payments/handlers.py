"""Payments' event handler: capture a reserved order's payment, exactly once per order."""

from __future__ import annotations

import uuid

from homefield.runtime import InvalidEvent, Transaction
from shop.orders.v1 import events_pb2 as order_events
from shop.payments.v1 import events_pb2 as payment_events

from payments.adapters import ledger
from payments.domain.gateway import CardGateway
from payments.domain.model import Captured, PaymentStatus


def capture_payment(
    event: order_events.OrderReserved, tx: Transaction, *, gateway: CardGateway
) -> None:
    """Charge the card once per order; a repeated OrderReserved finds the payment and stops."""
    if not event.order_id:
        raise InvalidEvent("OrderReserved without an order_id")
    if ledger.has_payment(tx, event.order_id):
        return
    result = gateway.charge(
        token=event.payment_token, amount_cents=event.total_cents, idempotency_key=event.order_id
    )
    payment_id = "pay_" + uuid.uuid4().hex
    if isinstance(result, Captured):
        _record_capture(tx, event, payment_id, result.charge_id)
    else:
        ledger.record_payment(
            tx,
            payment_id=payment_id,
            order_id=event.order_id,
            customer_id=event.customer_id,
            amount_cents=event.total_cents,
            status=PaymentStatus.DECLINED,
            decline_reason=result.reason,
        )
        declined = payment_events.PaymentDeclined(order_id=event.order_id, reason=result.reason)
        tx.publish(declined, key=event.order_id)


def _record_capture(
    tx: Transaction, event: order_events.OrderReserved, payment_id: str, charge_id: str
) -> None:
    ledger.record_payment(
        tx,
        payment_id=payment_id,
        order_id=event.order_id,
        customer_id=event.customer_id,
        amount_cents=event.total_cents,
        status=PaymentStatus.CAPTURED,
    )
    ledger.record_charge(
        tx, charge_id=charge_id, order_id=event.order_id, amount_cents=event.total_cents
    )
    captured = payment_events.PaymentCaptured(
        order_id=event.order_id, payment_id=payment_id, amount_cents=event.total_cents
    )
    tx.publish(captured, key=event.order_id)
