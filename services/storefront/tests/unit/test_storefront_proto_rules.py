"""The public API's limits are the ones the protos declare: the spec publishes them, the 422s
enforce them, and a rule changed in a proto changes both."""

from homefield.rules import field_rules
from shop.experiments.v1 import experiments_pb2
from shop.orders.v1 import orders_pb2

PLACE = orders_pb2.PlaceOrderRequest.DESCRIPTOR
ITEM = orders_pb2.OrderItem.DESCRIPTOR


def test_the_spec_publishes_the_limits_of_orders_proto(shop):
    spec = shop.client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    quantity = schemas["OrderLineIn"]["properties"]["quantity"]
    rules = field_rules(ITEM, "quantity").int32
    assert (quantity["minimum"], quantity["maximum"]) == (rules.gte, rules.lte)
    items = schemas["PlaceOrderBody"]["properties"]["items"]
    assert items["maxItems"] == field_rules(PLACE, "items").repeated.max_items
    token = schemas["PlaceOrderBody"]["properties"]["payment_token"]
    assert token["enum"] == list(getattr(field_rules(PLACE, "payment_token").string, "in"))
    header = spec["paths"]["/v1/orders"]["post"]["parameters"][0]
    assert header["name"] == "Idempotency-Key"
    assert header["schema"]["maxLength"] == field_rules(PLACE, "idempotency_key").string.max_len


def test_the_largest_quantity_orders_proto_allows_is_accepted_and_one_more_is_not(shop):
    top = field_rules(ITEM, "quantity").int32.lte
    accepted = shop.place(shop.body(items=[{"sku": "SKU-TEA-001", "quantity": top}]), key="a")
    refused = shop.place(shop.body(items=[{"sku": "SKU-TEA-001", "quantity": top + 1}]), key="b")

    assert accepted.status_code == 202
    assert refused.status_code == 422
    assert refused.json()["field"] == "items[0].quantity"
    assert str(top) in refused.json()["message"]


def test_an_idempotency_key_outside_the_proto_rule_is_a_422_naming_the_header(shop):
    longest = field_rules(PLACE, "idempotency_key").string.max_len
    for key in ["x" * (longest + 1), "has a space"]:
        response = shop.place(shop.body(), key=key)

        assert response.status_code == 422, key
        assert response.json()["field"] == "Idempotency-Key"
    assert shop.orders.placed == []


def test_an_experiment_name_outside_the_proto_rule_is_a_422(shop):
    rules = field_rules(experiments_pb2.GetResultsRequest.DESCRIPTOR, "experiment").string
    response = shop.get(f"/v1/experiments/{'e' * (rules.max_len + 1)}/results")

    assert response.status_code == 422
    assert response.json()["field"] == "name"
