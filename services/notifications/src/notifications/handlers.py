"""Notifications' event handlers: one customer message per visible change to an order."""

from __future__ import annotations

from homefield.runtime import Transaction
from shop.orders.v1 import events_pb2 as order_events
from shop.orders.v1 import orders_pb2

from notifications.adapters import sent_log
from notifications.domain import messages
from notifications.domain.messages import CancelReason

# A reason this service does not know yet still tells the customer the order was cancelled.
_CANCEL_REASONS = {
    orders_pb2.CANCEL_REASON_OUT_OF_STOCK: CancelReason.OUT_OF_STOCK,
    orders_pb2.CANCEL_REASON_PAYMENT_DECLINED: CancelReason.PAYMENT_DECLINED,
}


def notify_order_placed(event: order_events.OrderPlaced, tx: Transaction) -> None:
    item_count = sum(item.quantity for item in event.items)
    notice = messages.placed(
        event.order_id, event.customer_id, item_count=item_count, total_cents=event.total_cents
    )
    sent_log.record(tx, notice)


def notify_order_confirmed(event: order_events.OrderConfirmed, tx: Transaction) -> None:
    notice = messages.confirmed(event.order_id, event.customer_id, total_cents=event.total_cents)
    sent_log.record(tx, notice)


def notify_order_shipped(event: order_events.OrderShipped, tx: Transaction) -> None:
    notice = messages.shipped(
        event.order_id, event.customer_id, tracking_number=event.tracking_number
    )
    sent_log.record(tx, notice)


def notify_order_cancelled(event: order_events.OrderCancelled, tx: Transaction) -> None:
    reason = _CANCEL_REASONS.get(event.reason, CancelReason.UNSPECIFIED)
    notice = messages.cancelled(event.order_id, event.customer_id, reason=reason)
    sent_log.record(tx, notice)
