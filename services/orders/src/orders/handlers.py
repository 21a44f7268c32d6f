"""Orders' event handlers: each saga step moves the order on and announces it."""

from __future__ import annotations

import logging

from homefield.runtime import Transaction
from shop.inventory.v1 import events_pb2 as inventory_events
from shop.orders.v1 import events_pb2 as order_events
from shop.orders.v1 import orders_pb2
from shop.payments.v1 import events_pb2 as payment_events
from shop.shipping.v1 import events_pb2 as shipping_events

from orders.adapters import repository
from orders.domain.model import Order, Reason, next_status

log = logging.getLogger(__name__)


def _advance(
    tx: Transaction, order_id: str, step: str, reason: Reason = Reason.NONE
) -> Order | None:
    """Apply ``step`` if the order is in the status it expects; None when it does not apply."""
    order = repository.get(tx, order_id)
    if order is None:
        log.warning("event for an unknown order", extra={"order_id": order_id, "step": step})
        return None
    target = next_status(order.status, step)
    if target is None:
        return None
    repository.set_status(tx, order_id, target, reason)
    order.status, order.reason = target, reason
    return order


def _items(order: Order) -> list[orders_pb2.OrderItem]:
    return [
        orders_pb2.OrderItem(sku=i.sku, quantity=i.quantity, unit_price_cents=i.unit_price_cents)
        for i in order.items
    ]


def mark_reserved(event: inventory_events.StockReserved, tx: Transaction) -> None:
    order = _advance(tx, event.order_id, "stock_reserved")
    if order:
        tx.publish(
            order_events.OrderReserved(
                order_id=order.order_id,
                customer_id=order.customer_id,
                total_cents=order.total_cents,
                payment_token=order.payment_token,
            ),
            key=order.order_id,
        )


def cancel_out_of_stock(event: inventory_events.StockRejected, tx: Transaction) -> None:
    order = _advance(tx, event.order_id, "stock_rejected", Reason.OUT_OF_STOCK)
    if order:
        _publish_cancelled(tx, order, orders_pb2.CANCEL_REASON_OUT_OF_STOCK, release_stock=False)


def confirm_order(event: payment_events.PaymentCaptured, tx: Transaction) -> None:
    order = _advance(tx, event.order_id, "payment_captured")
    if order:
        tx.publish(
            order_events.OrderConfirmed(
                order_id=order.order_id,
                customer_id=order.customer_id,
                items=_items(order),
                total_cents=order.total_cents,
                variant=order.variant,
            ),
            key=order.order_id,
        )


def cancel_payment_declined(event: payment_events.PaymentDeclined, tx: Transaction) -> None:
    order = _advance(tx, event.order_id, "payment_declined", Reason.PAYMENT_DECLINED)
    if order:
        _publish_cancelled(tx, order, orders_pb2.CANCEL_REASON_PAYMENT_DECLINED, release_stock=True)


def mark_shipped(event: shipping_events.ShipmentDispatched, tx: Transaction) -> None:
    order = _advance(tx, event.order_id, "shipment_dispatched")
    if order:
        tx.publish(
            order_events.OrderShipped(
                order_id=order.order_id,
                customer_id=order.customer_id,
                tracking_number=event.tracking_number,
            ),
            key=order.order_id,
        )


def _publish_cancelled(
    tx: Transaction, order: Order, reason: orders_pb2.CancelReason.ValueType, *, release_stock: bool
) -> None:
    tx.publish(
        order_events.OrderCancelled(
            order_id=order.order_id,
            customer_id=order.customer_id,
            reason=reason,
            items=_items(order),
            release_stock=release_stock,
            variant=order.variant,
        ),
        key=order.order_id,
    )
