"""Inventory's event handlers: reserve stock for placed orders, release or settle it later."""

from __future__ import annotations

from homefield.runtime import Transaction
from shop.inventory.v1 import events_pb2 as inventory_events
from shop.orders.v1 import events_pb2 as order_events

from inventory.adapters import stock
from inventory.domain.reservations import Line, merge_lines, unavailable_skus


def reserve_stock(event: order_events.OrderPlaced, tx: Transaction) -> None:
    """Reserve every line or none; emit StockReserved or StockRejected."""
    if stock.has_reservation(tx, event.order_id):
        return
    lines = merge_lines([Line(item.sku, item.quantity) for item in event.items])
    missing = unavailable_skus(lines, stock.available(tx, [line.sku for line in lines]))
    if missing or not lines:
        rejected = inventory_events.StockRejected(order_id=event.order_id, unavailable_skus=missing)
        tx.publish(rejected, key=event.order_id)
        return
    stock.hold(tx, event.order_id, lines)
    reserved = inventory_events.StockReserved(
        order_id=event.order_id,
        lines=[inventory_events.ReservedLine(sku=ln.sku, quantity=ln.quantity) for ln in lines],
    )
    tx.publish(reserved, key=event.order_id)


def release_reservation(event: order_events.OrderCancelled, tx: Transaction) -> None:
    """Compensation: put a cancelled order's held stock back on sale."""
    lines = stock.held_lines(tx, event.order_id)
    if not lines:
        return
    stock.settle(tx, event.order_id, lines, state="released")
    tx.publish(inventory_events.StockReleased(order_id=event.order_id), key=event.order_id)


def settle_shipped_stock(event: order_events.OrderShipped, tx: Transaction) -> None:
    """The goods left the warehouse: the held stock is gone for good."""
    lines = stock.held_lines(tx, event.order_id)
    if lines:
        stock.settle(tx, event.order_id, lines, state="shipped")
