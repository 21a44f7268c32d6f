"""Shipping charges, shaped by the live free-shipping-threshold experiment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

EXPERIMENT = "free-shipping-threshold"
SHIPPING_PARAM = "shipping_cents"
THRESHOLD_PARAM = "free_shipping_threshold_cents"


@dataclass(frozen=True)
class ShippingOffer:
    shipping_cents: int
    free_shipping_threshold_cents: int
    # "experiment:variant" as recorded on the order, or "" when no assignment was made.
    variant: str = ""

    def charge_for(self, subtotal_cents: int) -> int:
        return 0 if subtotal_cents >= self.free_shipping_threshold_cents else self.shipping_cents


# What every customer got before the experiment, and what they get when it cannot be consulted.
CONTROL_OFFER = ShippingOffer(shipping_cents=499, free_shipping_threshold_cents=5000)


# The offer a variant's parameters describe; ValueError when they are missing or bad.
def offer_for_variant(variant: str, params: Mapping[str, str]) -> ShippingOffer:
    shipping = _cents(params, SHIPPING_PARAM)
    threshold = _cents(params, THRESHOLD_PARAM)
    return ShippingOffer(shipping, threshold, f"{EXPERIMENT}:{variant}")


def _cents(params: Mapping[str, str], name: str) -> int:
    raw = params.get(name)
    if raw is None:
        raise ValueError(f"parameter {name} is missing")
    value = int(raw)
    if value < 0:
        raise ValueError(f"parameter {name} must not be negative, got {value}")
    return value
