"""Fake gRPC stubs of orders, inventory and experiments (answering as the real services do),
and the storefront app on them behind a TestClient."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest
from fastapi.testclient import TestClient
from google.protobuf.timestamp_pb2 import Timestamp
from shop.experiments.v1 import experiments_pb2
from shop.inventory.v1 import inventory_pb2
from shop.orders.v1 import orders_pb2
from storefront.adapters.upstream import Upstream
from storefront.bootstrap import build
from storefront.settings import StorefrontSettings

CATALOGUE = {
    "SKU-TEA-001": ("Assam breakfast tea, 250 g", 899, 500),
    "SKU-POT-001": ("Cast iron teapot", 5400, 120),
    "SKU-CUP-001": ("Glass cup, pair", 2200, 250),
}


def rpc_error(code: grpc.StatusCode, details: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details=details)


@dataclass
class FakeInventory:
    down: bool = False

    async def ListProducts(self, request, **_options):
        if self.down:
            raise rpc_error(grpc.StatusCode.UNAVAILABLE, "connection refused")
        skus = list(request.skus) or sorted(CATALOGUE)
        return inventory_pb2.ListProductsResponse(
            products=[
                inventory_pb2.Product(sku=s, name=n, price_cents=p, available=a)
                for s in skus
                if s in CATALOGUE
                for n, p, a in [CATALOGUE[s]]
            ]
        )


@dataclass
class FakeOrders:
    down: bool = False
    reject: tuple[str, str] | None = None
    placed: list[orders_pb2.PlaceOrderRequest] = field(default_factory=list)
    orders: dict[str, orders_pb2.Order] = field(default_factory=dict)
    by_key: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    async def PlaceOrder(self, request, **_options):
        if self.down:
            raise rpc_error(grpc.StatusCode.UNAVAILABLE, "connection refused")
        if self.reject is not None:
            raise rpc_error(grpc.StatusCode.INVALID_ARGUMENT, f"{self.reject[0]}: {self.reject[1]}")
        fingerprint = request.SerializeToString(deterministic=True)
        if request.idempotency_key in self.by_key:
            first, order_id = self.by_key[request.idempotency_key]
            if first != fingerprint:
                raise rpc_error(
                    grpc.StatusCode.ALREADY_EXISTS,
                    "idempotency_key: was already used for a different order",
                )
            return orders_pb2.PlaceOrderResponse(order=self.orders[order_id])
        self.placed.append(request)
        order = self._store(request)
        self.by_key[request.idempotency_key] = (fingerprint, order.order_id)
        return orders_pb2.PlaceOrderResponse(order=order)

    async def GetOrder(self, request, **_options):
        if self.down:
            raise rpc_error(grpc.StatusCode.UNAVAILABLE, "connection refused")
        if request.order_id not in self.orders:
            raise rpc_error(grpc.StatusCode.NOT_FOUND, f"order_id: no order {request.order_id}")
        return orders_pb2.GetOrderResponse(order=self.orders[request.order_id])

    def _store(self, request: orders_pb2.PlaceOrderRequest) -> orders_pb2.Order:
        items = [
            orders_pb2.OrderItem(
                sku=i.sku, quantity=i.quantity, unit_price_cents=CATALOGUE[i.sku][1]
            )
            for i in request.items
        ]
        at = Timestamp()
        at.FromJsonString("2026-11-26T10:00:00.123456Z")
        order = orders_pb2.Order(
            order_id=str(uuid.uuid4()),
            customer_id=request.customer_id,
            items=items,
            shipping_cents=request.shipping_cents,
            total_cents=request.shipping_cents
            + sum(i.quantity * i.unit_price_cents for i in items),
            status=orders_pb2.ORDER_STATUS_PENDING,
            variant=request.variant,
            history=[orders_pb2.StatusChange(status=orders_pb2.ORDER_STATUS_PENDING, at=at)],
            created_at=at,
        )
        self.orders[order.order_id] = order
        return order


VARIANT_PARAMS = {
    "control": {"shipping_cents": "499", "free_shipping_threshold_cents": "5000"},
    "treatment": {"shipping_cents": "499", "free_shipping_threshold_cents": "2500"},
}


@dataclass
class FakeExperiments:
    """Customers whose id starts with "t-" get the treatment; everyone else control."""

    down: bool = False
    assigned: list[str] = field(default_factory=list)

    async def Assign(self, request, **_options):
        if self.down:
            raise rpc_error(grpc.StatusCode.UNAVAILABLE, "connection refused")
        variant = "treatment" if request.unit_id.startswith("t-") else "control"
        self.assigned.append(request.unit_id)
        return experiments_pb2.AssignResponse(
            experiment=request.experiment, variant=variant, params=VARIANT_PARAMS[variant]
        )

    async def GetResults(self, request, **_options):
        if self.down:
            raise rpc_error(grpc.StatusCode.UNAVAILABLE, "connection refused")
        if request.experiment != "free-shipping-threshold":
            raise rpc_error(
                grpc.StatusCode.NOT_FOUND, f"experiment: no experiment {request.experiment}"
            )
        comparison = experiments_pb2.Comparison(
            difference=0.05, ci_low=-0.01, ci_high=0.11, p_value=math.nan
        )
        return experiments_pb2.GetResultsResponse(
            experiment=request.experiment,
            variants=[
                experiments_pb2.VariantResult(
                    variant="control",
                    control=True,
                    units=40,
                    conversions=10,
                    conversion_rate=0.25,
                    revenue_per_unit=1200.0,
                ),
                experiments_pb2.VariantResult(
                    variant="treatment",
                    units=40,
                    conversions=12,
                    conversion_rate=0.3,
                    revenue_per_unit=1300.0,
                    conversion=comparison,
                    revenue=comparison,
                ),
            ],
            srm_p_value=1.0,
            required_units_per_variant=6500,
            sample_reached=False,
        )


API_KEY = "unit-test-key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}


@dataclass
class FakeShop:
    client: TestClient
    orders: FakeOrders
    inventory: FakeInventory
    experiments: FakeExperiments

    def place(self, body: dict, key: str | None = "key-1", **headers: str):
        sent = {**AUTH, **headers}
        if key is not None:
            sent["Idempotency-Key"] = key
        return self.client.post("/v1/orders", json=body, headers=sent)

    @staticmethod
    def auth() -> dict[str, str]:
        return dict(AUTH)

    def get(self, path: str):
        return self.client.get(path, headers=AUTH)

    @staticmethod
    def body(**changes: object) -> dict:
        body: dict = {
            "customer_id": "c-1",
            "items": [{"sku": "SKU-TEA-001", "quantity": 2}],
            "payment_token": "tok_visa",
        }
        body.update(changes)
        return body


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[FakeShop]:
    orders, inventory, experiments = FakeOrders(), FakeInventory(), FakeExperiments()
    upstream = Upstream(orders=orders, inventory=inventory, experiments=experiments)
    settings = StorefrontSettings(
        api_keys=(API_KEY,),
        database_url=f"sqlite:///{tmp_path / 'storefront.sqlite3'}",
        http_port=0,
    )
    app = build(settings, upstream=upstream)
    app.db.open()
    try:
        with TestClient(app.http, raise_server_exceptions=False) as client:
            yield FakeShop(client, orders, inventory, experiments)
    finally:
        app.db.close()
