"""InventoryService over gRPC."""

from __future__ import annotations

from typing import Any

from homefield.runtime import InvalidArgument
from homefield.runtime.db import Database
from shop.inventory.v1 import inventory_pb2, inventory_pb2_grpc

from inventory.adapters import stock

MAX_SKUS = 500


class InventoryServicer(inventory_pb2_grpc.InventoryServiceServicer):
    def __init__(self, db: Database) -> None:
        self._db = db

    async def ListProducts(
        self, request: inventory_pb2.ListProductsRequest, context: Any
    ) -> inventory_pb2.ListProductsResponse:
        skus = list(request.skus)
        if len(skus) > MAX_SKUS:
            raise InvalidArgument(f"at most {MAX_SKUS} SKUs per request", field="skus")
        if any(not sku.strip() for sku in skus):
            raise InvalidArgument("must not contain empty SKUs", field="skus")
        with self._db.read() as tx:
            rows = stock.list_products(tx, skus)
        return inventory_pb2.ListProductsResponse(
            products=[
                inventory_pb2.Product(sku=s, name=n, price_cents=p, available=a, reserved=r)
                for s, n, p, a, r in rows
            ]
        )
