"""The WebLab's event handlers: outcomes come from the orders topic."""

from __future__ import annotations

from homefield.runtime import Transaction
from shop.orders.v1 import events_pb2 as order_events

from experiments.adapters import repository


def record_conversion(event: order_events.OrderConfirmed, tx: Transaction) -> None:
    """A confirmed order converts its customer in every experiment the customer was exposed to,
    and adds its total to the customer's revenue there (each order counts once)."""
    if not event.customer_id or not event.order_id:
        return
    for experiment in repository.experiments_of(tx, event.customer_id):
        repository.attribute_order(
            tx,
            experiment=experiment,
            unit_id=event.customer_id,
            order_id=event.order_id,
            total_cents=event.total_cents,
        )
