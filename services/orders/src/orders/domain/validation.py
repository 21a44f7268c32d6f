"""Checks on a PlaceOrder request; each problem names the field."""

from __future__ import annotations

from homefield.runtime import InvalidArgument

from orders.domain.model import NewOrder

MAX_LINES = 50
MAX_QUANTITY = 100
MAX_SHIPPING_CENTS = 1_000_000


def validate_new_order(order: NewOrder) -> None:
    """Raise InvalidArgument for the first problem found."""
    _require_text(order.customer_id, "customer_id", 64)
    _require_text(order.idempotency_key, "idempotency_key", 200)
    _require_text(order.payment_token, "payment_token", 64)
    if not order.items:
        raise InvalidArgument("must contain at least one item", field="items")
    if len(order.items) > MAX_LINES:
        raise InvalidArgument(f"must contain at most {MAX_LINES} lines", field="items")
    for index, item in enumerate(order.items):
        _require_text(item.sku, f"items[{index}].sku", 64)
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise InvalidArgument(
                f"must be between 1 and {MAX_QUANTITY}", field=f"items[{index}].quantity"
            )
    if not 0 <= order.shipping_cents <= MAX_SHIPPING_CENTS:
        raise InvalidArgument(f"must be between 0 and {MAX_SHIPPING_CENTS}", field="shipping_cents")


def _require_text(value: str, field: str, max_length: int) -> None:
    if not value.strip():
        raise InvalidArgument("is required", field=field)
    if len(value) > max_length:
        raise InvalidArgument(f"must be at most {max_length} characters", field=field)
