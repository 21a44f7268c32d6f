"""What the customer is told at each visible step of an order, in words they understand."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from homefield.runtime import InvalidEvent


class Kind(StrEnum):
    PLACED = "placed"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class CancelReason(StrEnum):
    UNSPECIFIED = ""
    OUT_OF_STOCK = "OUT_OF_STOCK"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"


@dataclass(frozen=True)
class Notification:
    order_id: str
    customer_id: str
    kind: Kind
    message: str


_CANCEL_EXPLANATIONS = {
    CancelReason.OUT_OF_STOCK: ": out of stock. You have not been charged.",
    CancelReason.PAYMENT_DECLINED: ": your payment was declined. You have not been charged.",
    CancelReason.UNSPECIFIED: ".",
}


def amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def placed(order_id: str, customer_id: str, *, item_count: int, total_cents: int) -> Notification:
    noun = "item" if item_count == 1 else "items"
    text = (
        f"Thanks for your order {order_id}: {item_count} {noun}, total {amount(total_cents)}."
        " We will confirm it shortly."
    )
    return _notification(order_id, customer_id, Kind.PLACED, text)


def confirmed(order_id: str, customer_id: str, *, total_cents: int) -> Notification:
    text = (
        f"Your order {order_id} is confirmed: we received your payment of"
        f" {amount(total_cents)} and are packing your parcel."
    )
    return _notification(order_id, customer_id, Kind.CONFIRMED, text)


def shipped(order_id: str, customer_id: str, *, tracking_number: str) -> Notification:
    tracking = f" Tracking number: {tracking_number}." if tracking_number else ""
    text = f"Your order {order_id} has shipped.{tracking}"
    return _notification(order_id, customer_id, Kind.SHIPPED, text)


def cancelled(order_id: str, customer_id: str, *, reason: CancelReason) -> Notification:
    text = f"Your order {order_id} was cancelled{_CANCEL_EXPLANATIONS[reason]}"
    return _notification(order_id, customer_id, Kind.CANCELLED, text)


def _notification(order_id: str, customer_id: str, kind: Kind, text: str) -> Notification:
    if not order_id:
        raise InvalidEvent(f"{kind} event without an order_id")
    return Notification(order_id=order_id, customer_id=customer_id, kind=kind, message=text)
