"""The public HTTP API: products, orders and experiment results, behind API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Path
from homefield.rules import ProtoField
from shop.experiments.v1 import experiments_pb2
from shop.orders.v1 import orders_pb2

from storefront import checkout
from storefront.checkout import Storefront
from storefront.entrypoints.auth import StorefrontDep, require_api_key
from storefront.entrypoints.errors import error_responses, install_error_handlers
from storefront.entrypoints.schemas import (
    ExperimentResultsView,
    OrderAccepted,
    OrderView,
    PlaceOrderBody,
    ProductView,
)

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        description="Required. Retrying with the same key and body returns the same order.",
    ),
    ProtoField(orders_pb2.PlaceOrderRequest.DESCRIPTOR, "idempotency_key"),
]

router = APIRouter(
    prefix="/v1", dependencies=[Depends(require_api_key)], responses=error_responses(401, 503)
)


@router.get("/products", response_model=list[ProductView])
async def list_products(store: StorefrontDep) -> list[ProductView]:
    products = await store.upstream.list_products()
    return [
        ProductView(sku=p.sku, name=p.name, price_cents=p.price_cents, available=p.available)
        for p in products
    ]


@router.post(
    "/orders",
    status_code=202,
    response_model=OrderAccepted,
    responses=error_responses(409, 422),
)
async def place_order(
    body: PlaceOrderBody, idempotency_key: IdempotencyKey, store: StorefrontDep
) -> OrderAccepted:
    order_id = await checkout.place_order(store, request=body.to_request(), key=idempotency_key)
    return OrderAccepted(order_id=order_id)


@router.get("/orders/{order_id}", response_model=OrderView, responses=error_responses(404, 422))
async def get_order(
    order_id: Annotated[str, Path(), ProtoField(orders_pb2.GetOrderRequest.DESCRIPTOR, "order_id")],
    store: StorefrontDep,
) -> OrderView:
    return OrderView.from_proto(await store.upstream.get_order(order_id))


@router.get(
    "/experiments/{name}/results",
    response_model=ExperimentResultsView,
    responses=error_responses(404, 422),
)
async def get_experiment_results(
    name: Annotated[
        str,
        Path(examples=["free-shipping-threshold"]),
        ProtoField(experiments_pb2.GetResultsRequest.DESCRIPTOR, "experiment"),
    ],
    store: StorefrontDep,
) -> ExperimentResultsView:
    return ExperimentResultsView.from_proto(await store.upstream.results(name))


# Serve the public API from ``app`` (the runtime's HTTP app, next to /healthz and /metrics).
def mount_api(app: FastAPI, store: Storefront) -> None:
    app.state.storefront = store
    describe_api(app)


# The routes, error handlers and titles alone: what openapi.json, the public contract, shows.
def describe_api(app: FastAPI) -> None:
    app.title = "Homefield storefront"
    app.description = "The shop's public API. Every /v1 route needs `Authorization: Bearer <key>`."
    install_error_handlers(app)
    # The routes themselves rather than include_router: the runtime's metrics label requests with
    # the template of the top-level route they match, and an included router is one opaque route.
    app.router.routes.extend(router.routes)
