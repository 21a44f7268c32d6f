"""Orders and the saga's state machine."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from homefield.rules import place_order_fingerprint


class Status(StrEnum):
    PENDING = "PENDING"
    RESERVED = "RESERVED"
    CONFIRMED = "CONFIRMED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"


class Reason(StrEnum):
    NONE = ""
    OUT_OF_STOCK = "OUT_OF_STOCK"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"


TERMINAL = frozenset({Status.SHIPPED, Status.CANCELLED})

# Which status each saga step moves an order from, and to.
TRANSITIONS: dict[str, tuple[Status, Status]] = {
    "stock_reserved": (Status.PENDING, Status.RESERVED),
    "stock_rejected": (Status.PENDING, Status.CANCELLED),
    "payment_captured": (Status.RESERVED, Status.CONFIRMED),
    "payment_declined": (Status.RESERVED, Status.CANCELLED),
    "shipment_dispatched": (Status.CONFIRMED, Status.SHIPPED),
}


@dataclass(frozen=True)
class Item:
    sku: str
    quantity: int
    unit_price_cents: int = 0


@dataclass(frozen=True)
class NewOrder:
    customer_id: str
    items: tuple[Item, ...]
    payment_token: str
    idempotency_key: str
    shipping_cents: int = 0
    variant: str = ""

    def fingerprint(self) -> str:
        """A hash of what was asked for, to tell a retry from a different request."""
        return place_order_fingerprint(
            customer_id=self.customer_id,
            items=[(i.sku, i.quantity) for i in self.items],
            payment_token=self.payment_token,
            shipping_cents=self.shipping_cents,
            variant=self.variant,
        )

    def total_cents(self) -> int:
        return self.shipping_cents + sum(i.quantity * i.unit_price_cents for i in self.items)


@dataclass
class Order:
    order_id: str
    customer_id: str
    items: list[Item]
    shipping_cents: int
    total_cents: int
    status: Status
    reason: Reason
    variant: str
    payment_token: str
    created_at: str
    history: list[tuple[Status, str]] = field(default_factory=list)


def next_status(current: Status, step: str) -> Status | None:
    """The status after ``step``, or None when the step does not apply in ``current``."""
    source, target = TRANSITIONS[step]
    return target if current == source else None
