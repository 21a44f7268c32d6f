"""A pydantic model that mirrors a proto field checks and publishes the proto's rules, and refuses
to mirror a rule it cannot express."""

from typing import Annotated, Any

import pytest
from buf.validate import validate_pb2
from homefield.rules import ProtoEnum, ProtoField, UnsupportedRule, field_rules, pydantic_form
from pydantic import BaseModel, ValidationError
from shop.orders.v1 import orders_pb2

ITEM = orders_pb2.OrderItem.DESCRIPTOR
PLACE = orders_pb2.PlaceOrderRequest.DESCRIPTOR


class Line(BaseModel):
    sku: Annotated[str, ProtoField(ITEM, "sku")]
    quantity: Annotated[int, ProtoField(ITEM, "quantity")]


class Basket(BaseModel):
    items: Annotated[list[Line], ProtoField(PLACE, "items")]
    payment_token: Annotated[str, ProtoField(PLACE, "payment_token")]
    status: Annotated[str, ProtoEnum(orders_pb2.OrderStatus.DESCRIPTOR)] = "PENDING"
    reason: Annotated[str, ProtoEnum(orders_pb2.CancelReason.DESCRIPTOR, unspecified="")] = ""


def errors(body: dict[str, Any]) -> list[tuple[tuple[int | str, ...], str]]:
    with pytest.raises(ValidationError) as err:
        Basket.model_validate(body)
    return [(tuple(e["loc"]), e["type"]) for e in err.value.errors()]


def line(quantity: int = 1, sku: str = "SKU-A") -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity}


def test_the_limits_are_the_ones_the_proto_declares() -> None:
    quantity = field_rules(ITEM, "quantity").int32
    items = field_rules(PLACE, "items").repeated
    ok = Basket.model_validate(
        {"items": [line(quantity.lte)] * items.max_items, "payment_token": "tok_visa"}
    )
    assert len(ok.items) == items.max_items
    assert errors({"items": [line(quantity.lte + 1)], "payment_token": "tok_visa"}) == [
        (("items", 0, "quantity"), "less_than_equal")
    ]
    assert errors({"items": [line(quantity.gte - 1)], "payment_token": "tok_visa"}) == [
        (("items", 0, "quantity"), "greater_than_equal")
    ]
    too_many = [line()] * (items.max_items + 1)
    assert errors({"items": too_many, "payment_token": "tok_visa"}) == [(("items",), "too_long")]
    assert errors({"items": [], "payment_token": "tok_visa"}) == [(("items",), "too_short")]


def test_string_rules_become_pattern_length_and_choice_checks() -> None:
    assert errors({"items": [line(sku=" x")], "payment_token": "tok_visa"}) == [
        (("items", 0, "sku"), "string_pattern_mismatch")
    ]
    assert errors({"items": [line(sku="S" * 65)], "payment_token": "tok_visa"}) == [
        (("items", 0, "sku"), "string_too_long")
    ]
    assert errors({"items": [line()], "payment_token": "tok_amex"}) == [
        (("payment_token",), "literal_error")
    ]


def test_the_json_schema_publishes_the_rules() -> None:
    schema = Basket.model_json_schema()
    tokens = list(getattr(field_rules(PLACE, "payment_token").string, "in"))
    assert schema["properties"]["payment_token"]["enum"] == tokens
    assert (
        schema["properties"]["items"]["maxItems"] == field_rules(PLACE, "items").repeated.max_items
    )
    line_schema = schema["$defs"]["Line"]["properties"]
    quantity = field_rules(ITEM, "quantity").int32
    assert line_schema["quantity"]["minimum"] == quantity.gte
    assert line_schema["quantity"]["maximum"] == quantity.lte
    assert line_schema["sku"]["maxLength"] == field_rules(ITEM, "sku").string.max_len
    assert schema["properties"]["status"]["enum"] == [
        "PENDING",
        "RESERVED",
        "CONFIRMED",
        "SHIPPED",
        "CANCELLED",
    ]
    assert schema["properties"]["reason"]["enum"] == ["", "OUT_OF_STOCK", "PAYMENT_DECLINED"]


def test_enum_names_drop_the_prefix_and_show_the_zero_value_as_asked() -> None:
    status = ProtoEnum(orders_pb2.OrderStatus.DESCRIPTOR)
    reason = ProtoEnum(orders_pb2.CancelReason.DESCRIPTOR, unspecified="")
    assert status.name(orders_pb2.ORDER_STATUS_SHIPPED) == "SHIPPED"
    assert reason.name(orders_pb2.CANCEL_REASON_UNSPECIFIED) == ""
    assert reason.name(orders_pb2.CANCEL_REASON_OUT_OF_STOCK) == "OUT_OF_STOCK"
    assert status.name(99) == "99"


@pytest.mark.parametrize(
    ("rules", "named"),
    [
        (validate_pb2.FieldRules(string=validate_pb2.StringRules(email=True)), "string.email"),
        (validate_pb2.FieldRules(int32=validate_pb2.Int32Rules(const=3)), "int32.const"),
        (validate_pb2.FieldRules(required=True), "required"),
        (validate_pb2.FieldRules(double=validate_pb2.DoubleRules(gt=0)), "double"),
    ],
)
def test_a_rule_with_no_pydantic_form_is_refused_by_name(
    rules: validate_pb2.FieldRules, named: str
) -> None:
    with pytest.raises(UnsupportedRule, match=f"shop.X.y: buf.validate .*{named}"):
        pydantic_form(rules, str, where="shop.X.y")


def test_a_field_the_message_does_not_have_is_named() -> None:
    with pytest.raises(KeyError, match="shop.orders.v1.OrderItem has no field 'colour'"):
        field_rules(ITEM, "colour")
