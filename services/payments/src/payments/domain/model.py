"""Payments: one per order, captured or declined, and the charges that moved money."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PaymentStatus(StrEnum):
    CAPTURED = "CAPTURED"
    DECLINED = "DECLINED"


@dataclass(frozen=True)
class Captured:
    """The gateway took the money; ``charge_id`` is its reference for the charge."""

    charge_id: str


@dataclass(frozen=True)
class Declined:
    reason: str


ChargeResult = Captured | Declined


@dataclass(frozen=True)
class Payment:
    payment_id: str
    order_id: str
    amount_cents: int
    status: PaymentStatus
    decline_reason: str
    capture_count: int
