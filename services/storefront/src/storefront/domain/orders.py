"""What a customer asks for when placing an order, and how a retry is told from a new request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from homefield.rules import checkout_fingerprint


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class OrderRequest:
    customer_id: str
    lines: tuple[OrderLine, ...]
    payment_token: str

    def fingerprint(self) -> str:
        return checkout_fingerprint(
            customer_id=self.customer_id,
            items=[(line.sku, line.quantity) for line in self.lines],
            payment_token=self.payment_token,
        )

    def skus(self) -> list[str]:
        return sorted({line.sku for line in self.lines})


class UnknownSku(Exception):
    def __init__(self, index: int, sku: str) -> None:
        self.field = f"items[{index}].sku"
        super().__init__(f"unknown SKU {sku!r}")


# The price of the items; UnknownSku names the first line the catalogue does not sell.
def subtotal_cents(request: OrderRequest, prices: Mapping[str, int]) -> int:
    total = 0
    for index, line in enumerate(request.lines):
        if line.sku not in prices:
            raise UnknownSku(index, line.sku)
        total += prices[line.sku] * line.quantity
    return total
