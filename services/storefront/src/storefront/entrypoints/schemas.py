"""Request and response bodies of the public API; they are what /openapi.json publishes.

Limits, identifiers, payment tokens and order statuses are not restated here: each field mirrors
the proto field it becomes (``ProtoField``, ``ProtoEnum``), so a rule changed in
protos/shop/orders/v1/orders.proto changes this API, its 422s and its spec with it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Literal

from homefield.rules import ProtoEnum, ProtoField
from pydantic import BaseModel, ConfigDict, Field
from shop.experiments.v1 import experiments_pb2
from shop.orders.v1 import orders_pb2

from storefront.domain.orders import OrderLine, OrderRequest

_ITEM = orders_pb2.OrderItem.DESCRIPTOR
_PLACE = orders_pb2.PlaceOrderRequest.DESCRIPTOR
ORDER_STATUS = ProtoEnum(orders_pb2.OrderStatus.DESCRIPTOR)
CANCEL_REASON = ProtoEnum(orders_pb2.CancelReason.DESCRIPTOR, unspecified="")


class ErrorBody(BaseModel):
    error: str = Field(description="machine-readable code, e.g. invalid_request")
    message: str
    field: str | None = Field(default=None, description="the offending input, e.g. items[0].sku")


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    sku: Annotated[str, ProtoField(_ITEM, "sku")]
    quantity: Annotated[int, ProtoField(_ITEM, "quantity")]


class PlaceOrderBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "customer_id": "cust-42",
                    "items": [{"sku": "SKU-TEA-001", "quantity": 2}],
                    "payment_token": "tok_visa",
                }
            ]
        },
    )
    customer_id: Annotated[str, ProtoField(_PLACE, "customer_id")]
    items: Annotated[list[OrderLineIn], ProtoField(_PLACE, "items")]
    payment_token: Annotated[str, ProtoField(_PLACE, "payment_token")] = Field(
        description="Stripe test token: tok_visa succeeds, tok_chargeDeclined is declined"
    )

    def to_request(self) -> OrderRequest:
        lines = tuple(OrderLine(item.sku, item.quantity) for item in self.items)
        return OrderRequest(self.customer_id, lines, self.payment_token)


class OrderAccepted(BaseModel):
    order_id: str
    status: Literal["PENDING"] = "PENDING"


class ProductView(BaseModel):
    sku: str
    name: str
    price_cents: int
    available: int


class ItemView(BaseModel):
    sku: str
    quantity: int
    unit_price_cents: int


class StatusChangeView(BaseModel):
    status: Annotated[str, ORDER_STATUS]
    at: datetime


class OrderView(BaseModel):
    order_id: str
    customer_id: str
    status: Annotated[str, ORDER_STATUS]
    reason: Annotated[str, CANCEL_REASON]
    items: list[ItemView]
    shipping_cents: int
    total_cents: int
    variant: str = Field(description='"experiment:variant" that shaped the order, or ""')
    history: list[StatusChangeView]

    @classmethod
    def from_proto(cls, order: orders_pb2.Order) -> OrderView:
        return cls.model_validate(
            {
                "order_id": order.order_id,
                "customer_id": order.customer_id,
                "status": ORDER_STATUS.name(order.status),
                "reason": CANCEL_REASON.name(order.reason),
                "items": [
                    {"sku": i.sku, "quantity": i.quantity, "unit_price_cents": i.unit_price_cents}
                    for i in order.items
                ],
                "shipping_cents": order.shipping_cents,
                "total_cents": order.total_cents,
                "variant": order.variant,
                "history": [
                    {"status": ORDER_STATUS.name(h.status), "at": h.at.ToDatetime(tzinfo=UTC)}
                    for h in order.history
                ],
            }
        )


class ComparisonView(BaseModel):
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None

    @classmethod
    def from_proto(cls, comparison: experiments_pb2.Comparison) -> ComparisonView:
        return cls(
            difference=_finite(comparison.difference),
            ci_low=_finite(comparison.ci_low),
            ci_high=_finite(comparison.ci_high),
            p_value=_finite(comparison.p_value),
        )


class VariantResultView(BaseModel):
    variant: str
    control: bool
    units: int
    conversions: int
    conversion_rate: float | None
    revenue_per_unit: float | None
    conversion: ComparisonView | None = Field(description="against control; null for control")
    revenue: ComparisonView | None = Field(description="against control; null for control")


class ExperimentResultsView(BaseModel):
    experiment: str
    variants: list[VariantResultView]
    srm_p_value: float | None = Field(description="sample-ratio-mismatch chi-square p-value")
    required_units_per_variant: int
    sample_reached: bool

    @classmethod
    def from_proto(cls, results: experiments_pb2.GetResultsResponse) -> ExperimentResultsView:
        return cls(
            experiment=results.experiment,
            variants=[_variant(v) for v in results.variants],
            srm_p_value=_finite(results.srm_p_value),
            required_units_per_variant=results.required_units_per_variant,
            sample_reached=results.sample_reached,
        )


def _variant(result: experiments_pb2.VariantResult) -> VariantResultView:
    def compared(name: Literal["conversion", "revenue"]) -> ComparisonView | None:
        if result.control or not result.HasField(name):
            return None
        return ComparisonView.from_proto(getattr(result, name))

    return VariantResultView(
        variant=result.variant,
        control=result.control,
        units=result.units,
        conversions=result.conversions,
        conversion_rate=_finite(result.conversion_rate),
        revenue_per_unit=_finite(result.revenue_per_unit),
        conversion=compared("conversion"),
        revenue=compared("revenue"),
    )


# JSON has no NaN or infinity: a statistic that is undefined (no data yet) is null.
def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
