"""The services storefront calls over gRPC, with their status codes turned into outcomes the
HTTP API can answer with."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import grpc
from shop.experiments.v1 import experiments_pb2
from shop.inventory.v1 import inventory_pb2
from shop.orders.v1 import orders_pb2

if TYPE_CHECKING:
    from shop.experiments.v1.experiments_pb2_grpc import ExperimentServiceAsyncStub
    from shop.inventory.v1.inventory_pb2_grpc import InventoryServiceAsyncStub
    from shop.orders.v1.orders_pb2_grpc import OrderServiceAsyncStub

from storefront.domain.orders import OrderRequest

T = TypeVar("T")


class UpstreamError(Exception):
    def __init__(self, service: str, message: str) -> None:
        self.service = service
        super().__init__(message)


# INVALID_ARGUMENT: ``field`` names the input the callee refused.
class Rejected(UpstreamError):
    def __init__(self, service: str, message: str) -> None:
        field, _, reason = message.partition(": ")
        self.field = field if reason and " " not in field else None
        super().__init__(service, reason if self.field else message)


# NOT_FOUND.
class Missing(UpstreamError):
    pass


# ALREADY_EXISTS: an idempotency key reused for a different order.
class Conflict(UpstreamError):
    pass


# The callee could not answer (down, overloaded, timed out or failing).
class Unavailable(UpstreamError):
    pass


_BY_CODE: dict[grpc.StatusCode, type[UpstreamError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: Rejected,
    grpc.StatusCode.NOT_FOUND: Missing,
    grpc.StatusCode.ALREADY_EXISTS: Conflict,
}


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price_cents: int
    available: int


@dataclass(frozen=True)
class Assignment:
    variant: str
    params: dict[str, str]


class Upstream:
    def __init__(
        self,
        *,
        orders: OrderServiceAsyncStub,
        inventory: InventoryServiceAsyncStub,
        experiments: ExperimentServiceAsyncStub,
        timeout_seconds: float = 5.0,
    ) -> None:
        self._orders = orders
        self._inventory = inventory
        self._experiments = experiments
        self._timeout = timeout_seconds

    async def list_products(self, skus: list[str] | None = None) -> list[Product]:
        request = inventory_pb2.ListProductsRequest(skus=skus or [])
        response = await _call(
            "inventory", self._inventory.ListProducts(request, timeout=self._timeout)
        )
        return [Product(p.sku, p.name, p.price_cents, p.available) for p in response.products]

    async def place_order(
        self, *, request: OrderRequest, key: str, shipping_cents: int, variant: str
    ) -> str:
        message = orders_pb2.PlaceOrderRequest(
            customer_id=request.customer_id,
            items=[
                orders_pb2.OrderItem(sku=line.sku, quantity=line.quantity) for line in request.lines
            ],
            payment_token=request.payment_token,
            idempotency_key=key,
            shipping_cents=shipping_cents,
            variant=variant,
        )
        response = await _call("orders", self._orders.PlaceOrder(message, timeout=self._timeout))
        return response.order.order_id

    async def get_order(self, order_id: str) -> orders_pb2.Order:
        request = orders_pb2.GetOrderRequest(order_id=order_id)
        response = await _call("orders", self._orders.GetOrder(request, timeout=self._timeout))
        return response.order

    async def assign(self, experiment: str, unit_id: str) -> Assignment:
        request = experiments_pb2.AssignRequest(experiment=experiment, unit_id=unit_id)
        response = await _call(
            "experiments", self._experiments.Assign(request, timeout=self._timeout)
        )
        return Assignment(response.variant, dict(response.params))

    async def results(self, experiment: str) -> experiments_pb2.GetResultsResponse:
        request = experiments_pb2.GetResultsRequest(experiment=experiment)
        return await _call(
            "experiments", self._experiments.GetResults(request, timeout=self._timeout)
        )


async def _call(service: str, call: Awaitable[T]) -> T:
    try:
        return await call
    except grpc.aio.AioRpcError as exc:
        error = _BY_CODE.get(exc.code(), Unavailable)
        details = exc.details() or exc.code().name
        raise error(service, details) from None
    except grpc.aio.UsageError as exc:  # the channel closed under us: the service is stopping
        raise Unavailable(service, str(exc)) from None
