"""The rules orders.proto declares reject a bad PlaceOrder or GetOrder request, naming the field."""

import pytest
from homefield.rules import field_rules, validate
from homefield.runtime import InvalidArgument
from shop.orders.v1 import orders_pb2

# The limits as orders.proto declares them: these tests follow the proto when it changes.
QUANTITY = field_rules(orders_pb2.OrderItem.DESCRIPTOR, "quantity").int32
LINES = field_rules(orders_pb2.PlaceOrderRequest.DESCRIPTOR, "items").repeated
IN_RANGE = f"greater than or equal to {QUANTITY.gte} and less than or equal to {QUANTITY.lte}"


def place_request(**changes: object) -> orders_pb2.PlaceOrderRequest:
    fields: dict[str, object] = dict(
        customer_id="c1",
        items=[orders_pb2.OrderItem(sku="SKU-A", quantity=2)],
        payment_token="tok_visa",
        idempotency_key="k1",
    )
    fields.update(changes)
    return orders_pb2.PlaceOrderRequest(**fields)  # type: ignore[arg-type]


def item(sku: str = "S", quantity: int = 1) -> orders_pb2.OrderItem:
    return orders_pb2.OrderItem(sku=sku, quantity=quantity)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"items": []}, "items", "must contain at least 1 item(s)"),
        (
            {"items": [item(f"S{i}") for i in range(LINES.max_items + 1)]},
            "items",
            f"no more than {LINES.max_items} item(s)",
        ),
        (
            {"items": [item(quantity=QUANTITY.gte - 1)]},
            "items[0].quantity",
            IN_RANGE,
        ),
        (
            {"items": [item(), item(quantity=QUANTITY.lte + 1)]},
            "items[1].quantity",
            IN_RANGE,
        ),
        ({"items": [item(" ")]}, "items[0].sku", "does not match regex pattern"),
        ({"customer_id": ""}, "customer_id", "at least 1 characters"),
        ({"payment_token": ""}, "payment_token", "tok_visa, tok_chargeDeclined"),
        ({"payment_token": "tok_mastercard"}, "payment_token", "tok_visa, tok_chargeDeclined"),
        ({"idempotency_key": ""}, "idempotency_key", "at least 1 characters"),
        ({"idempotency_key": "has space"}, "idempotency_key", "does not match regex pattern"),
        ({"shipping_cents": -1}, "shipping_cents", "less than or equal to 1000000"),
        ({"shipping_cents": 1_000_001}, "shipping_cents", "less than or equal to 1000000"),
    ],
)
def test_a_request_that_breaks_a_rule_is_invalid_argument_naming_the_field(
    changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(InvalidArgument) as err:
        validate(place_request(**changes))
    assert err.value.field == field
    assert message in err.value.message
    assert err.value.message.startswith(f"{field}: ")


def test_a_request_within_every_rule_passes() -> None:
    validate(place_request())
    top = [item(quantity=QUANTITY.lte)] * LINES.max_items
    validate(place_request(items=top, payment_token="tok_chargeDeclined"))
    validate(orders_pb2.GetOrderRequest(order_id="0b7c2f6e-8d47-4f4e-9b36-2c1f0e3a9d11"))


def test_an_empty_order_id_is_refused() -> None:
    with pytest.raises(InvalidArgument) as err:
        validate(orders_pb2.GetOrderRequest())
    assert err.value.field == "order_id"
