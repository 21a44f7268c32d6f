"""Reservation rules: all lines of an order are reserved together, or none is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int


def merge_lines(lines: list[Line]) -> list[Line]:
    """One line per SKU, quantities summed, in SKU order (a stable lock order)."""
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.sku] = totals.get(line.sku, 0) + line.quantity
    return [Line(sku, quantity) for sku, quantity in sorted(totals.items())]


def unavailable_skus(lines: list[Line], available: Mapping[str, int]) -> list[str]:
    """The SKUs that cannot be reserved: unknown, or not enough stock."""
    return [line.sku for line in lines if available.get(line.sku, 0) < line.quantity]
