"""protovalidate enforces the protos' rules as InvalidArgument naming the field; the generated
buf.validate module and protovalidate's own copy of it do not clash."""

import importlib.metadata
import importlib.util
from pathlib import Path

import pytest
from homefield.catalog import find_repo_root
from homefield.rules import field_path, field_rules, validate
from homefield.runtime import InvalidArgument
from protobuf import Oneof
from protovalidate._gen.buf.validate.validate_pb import FieldPath, FieldPathElement
from shop.experiments.v1 import experiments_pb2
from shop.orders.v1 import orders_pb2


def test_a_field_path_names_list_positions() -> None:
    path = FieldPath(
        elements=[
            FieldPathElement(field_name="items", subscript=Oneof("index", 3)),
            FieldPathElement(field_name="quantity"),
        ]
    )
    assert field_path(path) == "items[3].quantity"
    keyed = FieldPath(
        elements=[FieldPathElement(field_name="params", subscript=Oneof("string_key", "a b"))]
    )
    assert field_path(keyed) == "params[a b]"
    assert field_path(None) == ""


def test_the_first_broken_rule_is_named_with_the_rule_the_proto_states() -> None:
    request = orders_pb2.PlaceOrderRequest(
        customer_id="c1",
        items=[
            orders_pb2.OrderItem(sku="SKU-A", quantity=1),
            orders_pb2.OrderItem(sku="SKU-B", quantity=-1),
        ],
        payment_token="tok_visa",
        idempotency_key="k1",
    )
    with pytest.raises(InvalidArgument) as err:
        validate(request)
    assert err.value.field == "items[1].quantity"
    quantity = field_rules(orders_pb2.OrderItem.DESCRIPTOR, "quantity").int32
    assert err.value.message == (
        "items[1].quantity: must be greater than or equal to"
        f" {quantity.gte} and less than or equal to {quantity.lte}"
    )


def test_another_services_rules_are_enforced_the_same_way() -> None:
    with pytest.raises(InvalidArgument) as err:
        validate(experiments_pb2.AssignRequest(experiment="exp", unit_id="   "))
    assert err.value.field == "unit_id"
    validate(experiments_pb2.AssignRequest(experiment="exp", unit_id="cust-1"))


def test_buf_validate_is_generated_once_and_protovalidate_does_not_ship_it() -> None:
    spec = importlib.util.find_spec("buf.validate.validate_pb2")
    assert spec is not None and spec.origin is not None
    generated = find_repo_root(Path(__file__)) / "protos" / "gen" / "buf" / "validate"
    assert Path(spec.origin).parent == generated
    shipped = importlib.metadata.files("protovalidate") or []
    assert [str(f) for f in shipped if str(f).startswith("buf/")] == []
