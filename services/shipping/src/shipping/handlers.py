"""Shipping's event handler: dispatch each confirmed order exactly once."""

from __future__ import annotations

from homefield.runtime import InvalidEvent, Transaction
from homefield.runtime.db import utc_now
from shop.orders.v1 import events_pb2 as order_events
from shop.shipping.v1 import events_pb2 as shipping_events

from shipping.adapters import shipments
from shipping.domain.shipment import (
    Shipment,
    new_shipment_id,
    new_tracking_number,
)


def dispatch_shipment(event: order_events.OrderConfirmed, tx: Transaction) -> None:
    """Hand the parcel to the carrier; a repeated OrderConfirmed finds the shipment and stops."""
    if not event.order_id:
        raise InvalidEvent("OrderConfirmed without an order_id")
    if shipments.has_shipment(tx, event.order_id):
        return
    shipment = Shipment(
        shipment_id=new_shipment_id(),
        order_id=event.order_id,
        customer_id=event.customer_id,
        tracking_number=new_tracking_number(),
        dispatched_at=utc_now(),
    )
    shipments.insert(tx, shipment)
    dispatched = shipping_events.ShipmentDispatched(
        order_id=shipment.order_id,
        shipment_id=shipment.shipment_id,
        tracking_number=shipment.tracking_number,
    )
    tx.publish(dispatched, key=shipment.order_id)
