"""The public API of the running shop, over HTTP only."""

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from homefield.rules import field_rules
from shop.orders.v1 import orders_pb2
from shop_client import STOREFRONT, ShopClient, order_body

pytestmark = pytest.mark.system

# The public API's limits are the ones orders.proto declares.
QUANTITY = field_rules(orders_pb2.OrderItem.DESCRIPTOR, "quantity").int32
LINES = field_rules(orders_pb2.PlaceOrderRequest.DESCRIPTOR, "items").repeated


def statuses(order: dict) -> list[str]:
    return [step["status"] for step in order["history"]]


def test_an_order_is_shipped_with_its_full_history_and_notifications(shop: ShopClient) -> None:
    placed = shop.place(order_body(sku="SKU-MUG-001", quantity=2))
    assert placed.status_code == 202, placed.text
    assert placed.json()["status"] == "PENDING"
    order = shop.wait_terminal(placed.json()["order_id"])
    assert order["status"] == "SHIPPED" and order["reason"] == ""
    assert statuses(order) == ["PENDING", "RESERVED", "CONFIRMED", "SHIPPED"]
    assert order["items"][0]["sku"] == "SKU-MUG-001"
    assert order["total_cents"] >= 2 * 1450
    kinds = sorted(n["kind"] for n in shop.notifications(order["order_id"]))
    assert len(kinds) == 3 and len(set(kinds)) == 3


def test_an_order_beyond_the_stock_is_cancelled_out_of_stock(shop: ShopClient) -> None:
    placed = shop.place(order_body(sku="SKU-KTL-001", quantity=100))  # 80 in stock
    order = shop.wait_terminal(placed.json()["order_id"])
    assert (order["status"], order["reason"]) == ("CANCELLED", "OUT_OF_STOCK")
    assert len(shop.notifications(order["order_id"])) == 2  # placed, cancelled


def test_a_declined_payment_cancels_and_releases_the_stock(shop: ShopClient) -> None:
    before = shop.products()["SKU-POT-001"]["available"]
    placed = shop.place(order_body(sku="SKU-POT-001", quantity=3, token="tok_chargeDeclined"))
    order = shop.wait_terminal(placed.json()["order_id"])
    assert (order["status"], order["reason"]) == ("CANCELLED", "PAYMENT_DECLINED")
    assert statuses(order) == ["PENDING", "RESERVED", "CANCELLED"]
    assert shop.products()["SKU-POT-001"]["available"] == before


def test_a_retry_returns_the_same_order_and_a_different_body_conflicts(shop: ShopClient) -> None:
    body = order_body()
    first = shop.place(body, key="retry-key-1")
    again = shop.place(body, key="retry-key-1")
    assert first.status_code == again.status_code == 202
    assert again.json()["order_id"] == first.json()["order_id"]
    conflict = shop.place(
        {**body, "items": [{"sku": "SKU-TEA-001", "quantity": 2}]}, key="retry-key-1"
    )
    assert conflict.status_code == 409
    assert conflict.json()["error"] == "idempotency_key_reused"
    assert conflict.json()["field"] == "Idempotency-Key"


@pytest.mark.usefixtures("running_shop")
@pytest.mark.parametrize("auth", [None, "Bearer wrong-key", "Basic local-dev-key"])
def test_requests_without_the_right_key_get_401(auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    for method, path in [("GET", "/v1/products"), ("POST", "/v1/orders"), ("GET", "/v1/orders/x")]:
        response = httpx.request(method, STOREFRONT + path, headers=headers, json=order_body())
        assert response.status_code == 401, (method, path)
        assert response.headers["content-type"].startswith("application/json")


INVALID = [
    ({"items": [{"sku": "NO-SUCH-SKU", "quantity": 1}]}, "items[0].sku"),
    ({"items": [{"sku": "SKU-TEA-001", "quantity": QUANTITY.gte - 1}]}, "items[0].quantity"),
    ({"items": [{"sku": "SKU-TEA-001", "quantity": QUANTITY.lte + 1}]}, "items[0].quantity"),
    ({"items": []}, "items"),
    ({"items": [{"sku": "SKU-TEA-001", "quantity": 1}] * (LINES.max_items + 1)}, "items"),
    ({"items": [{"sku": "SKU-TEA-001", "quantity": "lots"}]}, "items[0].quantity"),
    ({"customer_id": None}, "customer_id"),
    ({"payment_token": "tok_unknown"}, "payment_token"),
]


def orders_in_db(shop: ShopClient) -> int:
    with sqlite3.connect(shop.data / "orders.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM orders").fetchone()[0])


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_orders_get_422_naming_the_field_and_create_nothing(
    shop: ShopClient, change: dict, field: str
) -> None:
    body = {k: v for k, v in {**order_body(), **change}.items() if v is not None}
    before = orders_in_db(shop)
    response = shop.place(body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert orders_in_db(shop) == before


def test_a_missing_idempotency_key_is_422(shop: ShopClient) -> None:
    response = shop.http.post("/v1/orders", json=order_body())
    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"


def test_an_unknown_order_is_404(shop: ShopClient) -> None:
    response = shop.http.get("/v1/orders/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_twenty_orders_race_for_the_last_five_units_and_exactly_five_win(shop: ShopClient) -> None:
    assert shop.products()["SKU-LTD-001"]["available"] == 5
    with ThreadPoolExecutor(max_workers=20) as pool:
        placed = list(pool.map(lambda _: shop.place(order_body(sku="SKU-LTD-001")), range(20)))
    assert all(r.status_code == 202 for r in placed)
    final = [shop.wait_terminal(r.json()["order_id"]) for r in placed]
    shipped = [o for o in final if o["status"] == "SHIPPED"]
    out_of_stock = [o for o in final if o["reason"] == "OUT_OF_STOCK"]
    assert (len(shipped), len(out_of_stock)) == (5, 15)
    assert shop.products()["SKU-LTD-001"]["available"] == 0
