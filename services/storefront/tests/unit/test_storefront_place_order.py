import pytest
from homefield.rules import field_rules
from shop.orders.v1 import orders_pb2

# The limits as orders.proto declares them: these tests follow the proto when it changes.
QUANTITY = field_rules(orders_pb2.OrderItem.DESCRIPTOR, "quantity").int32
LINES = field_rules(orders_pb2.PlaceOrderRequest.DESCRIPTOR, "items").repeated


def test_an_order_is_accepted_as_pending(shop):
    response = shop.place(shop.body())

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "PENDING"
    assert body["order_id"] in shop.orders.orders
    assert shop.orders.placed[0].idempotency_key == "key-1"


def test_a_retry_with_the_same_key_and_body_returns_the_same_order(shop):
    first = shop.place(shop.body())
    second = shop.place(shop.body())

    assert second.status_code == 202
    assert second.json() == first.json()
    assert len(shop.orders.placed) == 1


def test_the_same_key_with_a_different_body_is_a_409(shop):
    shop.place(shop.body())

    response = shop.place(shop.body(payment_token="tok_chargeDeclined"))

    assert response.status_code == 409
    assert response.json()["field"] == "Idempotency-Key"
    assert len(shop.orders.placed) == 1


def test_different_keys_place_different_orders(shop):
    first = shop.place(shop.body(), key="key-a").json()
    second = shop.place(shop.body(), key="key-b").json()

    assert first["order_id"] != second["order_id"]


def test_orders_refusing_a_reused_key_is_a_409(shop):
    shop.orders.by_key["key-1"] = (b"another request", "other-order")

    response = shop.place(shop.body())

    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_key_reused"


def test_a_retry_after_orders_was_down_places_the_order(shop):
    shop.orders.down = True
    failed = shop.place(shop.body())
    shop.orders.down = False

    retried = shop.place(shop.body())

    assert failed.status_code == 503
    assert retried.status_code == 202
    assert len(shop.orders.placed) == 1


LINE = {"sku": "SKU-TEA-001", "quantity": 1}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"items": [{"sku": "SKU-NOPE-999", "quantity": 1}]}, "items[0].sku"),
        ({"items": [LINE, {"sku": "SKU-NOPE-999", "quantity": 1}]}, "items[1].sku"),
        ({"items": [{"sku": "SKU-TEA-001", "quantity": QUANTITY.gte - 1}]}, "items[0].quantity"),
        ({"items": [{"sku": "SKU-TEA-001", "quantity": QUANTITY.lte + 1}]}, "items[0].quantity"),
        ({"items": [{"sku": "SKU-TEA-001", "quantity": -3}]}, "items[0].quantity"),
        ({"items": []}, "items"),
        ({"items": [LINE] * (LINES.max_items + 1)}, "items"),
        ({"payment_token": "tok_mastercard"}, "payment_token"),
        ({"payment_token": ""}, "payment_token"),
        ({"customer_id": ""}, "customer_id"),
        ({"customer_id": None}, "customer_id"),
        ({"items": [{"sku": "SKU-TEA-001", "quantity": "2"}]}, "items[0].quantity"),
        ({"items": [{"sku": "SKU-TEA-001", "quantity": 1.5}]}, "items[0].quantity"),
        ({"items": [{"sku": "SKU-TEA-001"}]}, "items[0].quantity"),
        ({"items": "SKU-TEA-001"}, "items"),
        ({"coupon": "FREE"}, "coupon"),
    ],
)
def test_a_bad_order_is_a_422_naming_the_field_and_creates_nothing(shop, changes, field):
    response = shop.place(shop.body(**changes))

    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
    assert response.json()["field"] == field
    assert shop.orders.placed == []


@pytest.mark.parametrize("missing", ["customer_id", "items", "payment_token"])
def test_a_missing_field_is_a_422_naming_it(shop, missing):
    body = shop.body()
    del body[missing]

    response = shop.place(body)

    assert response.status_code == 422
    assert response.json()["field"] == missing
    assert shop.orders.placed == []


def test_a_body_that_is_not_json_is_a_422(shop):
    response = shop.client.post(
        "/v1/orders",
        content=b"{not json",
        headers={**shop.auth(), "Idempotency-Key": "k", "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert shop.orders.placed == []


def test_a_missing_idempotency_key_is_a_422_naming_the_header(shop):
    response = shop.place(shop.body(), key=None)

    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"
    assert shop.orders.placed == []


def test_the_most_lines_orders_proto_allows_are_accepted(shop):
    response = shop.place(shop.body(items=[LINE] * LINES.max_items))

    assert response.status_code == 202


def test_a_field_orders_rejects_is_a_422_and_frees_the_key(shop):
    shop.orders.reject = ("items[0].quantity", "must be between 1 and 100")
    rejected = shop.place(shop.body())
    shop.orders.reject = None

    accepted = shop.place(shop.body(payment_token="tok_chargeDeclined"))

    assert rejected.status_code == 422
    assert rejected.json()["field"] == "items[0].quantity"
    assert accepted.status_code == 202


def test_an_unknown_sku_does_not_use_up_the_key(shop):
    shop.place(shop.body(items=[{"sku": "SKU-NOPE-999", "quantity": 1}]))

    response = shop.place(shop.body())

    assert response.status_code == 202


@pytest.mark.parametrize("service", ["orders", "inventory"])
def test_an_unavailable_service_is_a_503_json_error(shop, service):
    getattr(shop, service).down = True

    response = shop.place(shop.body())

    assert response.status_code == 503
    assert response.json() == {
        "error": "unavailable",
        "message": f"{service} is unavailable, retry later",
        "field": None,
    }


def test_a_body_that_is_not_utf8_is_a_422_naming_the_body(shop):
    response = shop.client.post(
        "/v1/orders",
        content=b'\xff\xfe{"customer_id": 1}',
        headers={**shop.auth(), "Idempotency-Key": "k", "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["field"] == "body"
    assert shop.orders.placed == []
