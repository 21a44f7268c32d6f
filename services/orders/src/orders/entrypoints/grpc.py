"""OrderService over gRPC: PlaceOrder and GetOrder."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from google.protobuf.timestamp_pb2 import Timestamp
from homefield.rules import validate
from homefield.runtime import AlreadyExists, InvalidArgument, NotFound
from homefield.runtime.db import Database
from shop.inventory.v1 import inventory_pb2
from shop.orders.v1 import events_pb2, orders_pb2, orders_pb2_grpc

if TYPE_CHECKING:
    from shop.inventory.v1.inventory_pb2_grpc import InventoryServiceAsyncStub

from orders.adapters import repository
from orders.domain.model import Item, NewOrder, Order


def _timestamp(iso: str) -> Timestamp:
    # The stored times are utc_text's RFC 3339; fromisoformat reads them in C, where
    # Timestamp.FromJsonString goes through strptime (about 8x the CPU, twice per order placed).
    stamp = Timestamp()
    stamp.FromDatetime(datetime.fromisoformat(iso))
    return stamp


def order_to_proto(order: Order) -> orders_pb2.Order:
    return orders_pb2.Order(
        order_id=order.order_id,
        customer_id=order.customer_id,
        items=[
            orders_pb2.OrderItem(
                sku=i.sku, quantity=i.quantity, unit_price_cents=i.unit_price_cents
            )
            for i in order.items
        ],
        shipping_cents=order.shipping_cents,
        total_cents=order.total_cents,
        status=orders_pb2.OrderStatus.Value(f"ORDER_STATUS_{order.status}"),
        reason=orders_pb2.CancelReason.Value(f"CANCEL_REASON_{order.reason or 'UNSPECIFIED'}"),
        variant=order.variant,
        history=[
            orders_pb2.StatusChange(
                status=orders_pb2.OrderStatus.Value(f"ORDER_STATUS_{s}"), at=_timestamp(at)
            )
            for s, at in order.history
        ],
        created_at=_timestamp(order.created_at),
    )


class OrderServicer(orders_pb2_grpc.OrderServiceServicer):
    def __init__(self, db: Database, inventory: InventoryServiceAsyncStub) -> None:
        self._db = db
        self._inventory = inventory

    async def PlaceOrder(
        self, request: orders_pb2.PlaceOrderRequest, context: Any
    ) -> orders_pb2.PlaceOrderResponse:
        validate(request)  # the rules orders.proto declares; INVALID_ARGUMENT names the field
        new = NewOrder(
            customer_id=request.customer_id,
            items=tuple(Item(i.sku, i.quantity) for i in request.items),
            payment_token=request.payment_token,
            idempotency_key=request.idempotency_key,
            shipping_cents=request.shipping_cents,
            variant=request.variant,
        )
        replay = self._replay(new)
        if replay is not None:
            return orders_pb2.PlaceOrderResponse(order=order_to_proto(replay))
        priced = await self._price(new)
        order_id = str(uuid.uuid4())
        with self._db.transaction() as tx:
            earlier = repository.find_by_key(tx, new.idempotency_key)
            if earlier is None:
                repository.insert(tx, order_id, priced)
                tx.publish(self._placed_event(order_id, priced), key=order_id)
        # A concurrent call with the same key may have placed it first: then answer as a retry.
        with self._db.read() as tx:
            order = repository.get(tx, order_id) if earlier is None else None
        order = order or self._replay(new)
        assert order is not None
        return orders_pb2.PlaceOrderResponse(order=order_to_proto(order))

    async def GetOrder(
        self, request: orders_pb2.GetOrderRequest, context: Any
    ) -> orders_pb2.GetOrderResponse:
        validate(request)
        with self._db.read() as tx:
            order = repository.get(tx, request.order_id)
        if order is None:
            raise NotFound(f"no order {request.order_id}", field="order_id")
        return orders_pb2.GetOrderResponse(order=order_to_proto(order))

    def _replay(self, new: NewOrder) -> Order | None:
        """The order this idempotency key already created; a different request is a conflict."""
        with self._db.read() as tx:
            found = repository.find_by_key(tx, new.idempotency_key)
            if found is None:
                return None
            order_id, fingerprint = found
            if fingerprint != new.fingerprint():
                raise AlreadyExists(
                    "was already used for a different order", field="idempotency_key"
                )
            return repository.get(tx, order_id)

    async def _price(self, new: NewOrder) -> NewOrder:
        skus = sorted({item.sku for item in new.items})
        response = await self._inventory.ListProducts(
            inventory_pb2.ListProductsRequest(skus=skus), timeout=5
        )
        prices = {product.sku: product.price_cents for product in response.products}
        for index, item in enumerate(new.items):
            if item.sku not in prices:
                raise InvalidArgument(f"unknown SKU {item.sku!r}", field=f"items[{index}].sku")
        items = tuple(Item(i.sku, i.quantity, prices[i.sku]) for i in new.items)
        return NewOrder(
            new.customer_id,
            items,
            new.payment_token,
            new.idempotency_key,
            new.shipping_cents,
            new.variant,
        )

    @staticmethod
    def _placed_event(order_id: str, new: NewOrder) -> events_pb2.OrderPlaced:
        return events_pb2.OrderPlaced(
            order_id=order_id,
            customer_id=new.customer_id,
            items=[
                orders_pb2.OrderItem(
                    sku=i.sku, quantity=i.quantity, unit_price_cents=i.unit_price_cents
                )
                for i in new.items
            ],
            total_cents=new.total_cents(),
            payment_token=new.payment_token,
            variant=new.variant,
        )
