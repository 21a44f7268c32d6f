"""Checks on a PlaceOrder request; each problem names the field."""

from __future__ import annotations

from homefield.runtime import InvalidArgument, require_text

from orders.domain.model import NewOrder

MAX_LINES = 50
MAX_QUANTITY = 100
MAX_SHIPPING_CENTS = 1_000_000


def validate_new_order(order: NewOrder) -> None:
    """Raise InvalidArgument for the first problem found."""
    require_text(order.customer_id, field="customer_id", max_length=64)
    require_text(order.idempotency_key, field="idempotency_key", max_length=200)
    require_text(order.payment_token, field="payment_token", max_length=64)
    if not order.items:
        raise InvalidArgument("must contain at least one item", field="items")
    if len(order.items) > MAX_LINES:
        raise InvalidArgument(f"must contain at most {MAX_LINES} lines", field="items")
    for index, item in enumerate(order.items):
        require_text(item.sku, field=f"items[{index}].sku", max_length=64)
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise InvalidArgument(
                f"must be between 1 and {MAX_QUANTITY}", field=f"items[{index}].quantity"
            )
    if not 0 <= order.shipping_cents <= MAX_SHIPPING_CENTS:
        raise InvalidArgument(f"must be between 0 and {MAX_SHIPPING_CENTS}", field="shipping_cents")
