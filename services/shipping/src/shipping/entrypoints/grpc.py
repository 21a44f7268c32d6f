"""ShippingService over gRPC: the shipment of an order."""

from __future__ import annotations

from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from homefield.runtime import NotFound, require_text
from homefield.runtime.db import Database
from shop.shipping.v1 import shipping_pb2, shipping_pb2_grpc

from shipping.adapters import shipments
from shipping.domain.shipment import Shipment


def shipment_to_proto(shipment: Shipment) -> shipping_pb2.Shipment:
    dispatched_at = Timestamp()
    dispatched_at.FromJsonString(shipment.dispatched_at)
    return shipping_pb2.Shipment(
        shipment_id=shipment.shipment_id,
        order_id=shipment.order_id,
        tracking_number=shipment.tracking_number,
        dispatched_at=dispatched_at,
    )


class ShippingServicer(shipping_pb2_grpc.ShippingServiceServicer):
    def __init__(self, db: Database) -> None:
        self._db = db

    async def GetShipment(
        self, request: shipping_pb2.GetShipmentRequest, context: Any
    ) -> shipping_pb2.GetShipmentResponse:
        require_text(request.order_id, field="order_id")
        with self._db.read() as tx:
            shipment = shipments.get(tx, request.order_id)
        if shipment is None:
            raise NotFound(f"no shipment for order {request.order_id}", field="order_id")
        return shipping_pb2.GetShipmentResponse(shipment=shipment_to_proto(shipment))
