"""PlaceOrder against a real SQLite file, with a fake inventory stub for the prices."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from homefield.runtime.db import Database, open_database
from orders.adapters import repository
from orders.bootstrap import MIGRATIONS
from orders.domain.model import Item, NewOrder
from orders.entrypoints.grpc import OrderServicer
from shop.inventory.v1 import inventory_pb2
from shop.orders.v1 import orders_pb2


class FakeInventory:
    """Prices every SKU at 700 cents; ``before_answer`` runs while the call is in flight."""

    def __init__(self) -> None:
        self.before_answer: Any = None

    async def ListProducts(self, request: Any, **_options: Any) -> Any:  # noqa: N802
        if self.before_answer is not None:
            self.before_answer()
        products = [inventory_pb2.Product(sku=sku, price_cents=700) for sku in request.skus]
        return inventory_pb2.ListProductsResponse(products=products)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'orders.sqlite3'}"
    database = open_database(url, topic="orders.v1", migrations=[MIGRATIONS])
    database.open()
    return database


def request(key: str = "k1") -> orders_pb2.PlaceOrderRequest:
    return orders_pb2.PlaceOrderRequest(
        customer_id="c1",
        items=[orders_pb2.OrderItem(sku="SKU-A", quantity=2)],
        payment_token="tok_visa",
        idempotency_key=key,
        shipping_cents=499,
    )


def from_json(text: str) -> Timestamp:
    stamp = Timestamp()
    stamp.FromJsonString(text)
    return stamp


def place(servicer: OrderServicer, req: orders_pb2.PlaceOrderRequest) -> orders_pb2.Order:
    return asyncio.run(servicer.PlaceOrder(req, None)).order


def test_the_answer_is_the_stored_order_with_its_stored_times(db: Database) -> None:
    order = place(OrderServicer(db, FakeInventory()), request())  # type: ignore[arg-type]
    with db.read() as tx:
        stored = repository.get(tx, order.order_id)
    assert stored is not None
    assert (order.total_cents, order.status) == (1899, orders_pb2.ORDER_STATUS_PENDING)
    assert order.created_at == from_json(stored.created_at)
    assert [h.at for h in order.history] == [from_json(at) for _, at in stored.history]


def test_a_call_that_loses_the_race_for_its_key_answers_with_the_winners_order(
    db: Database,
) -> None:
    inventory = FakeInventory()
    winner = NewOrder("c1", (Item("SKU-A", 2, 700),), "tok_visa", "k1", 499)

    def place_the_same_key_concurrently() -> None:
        with db.transaction() as tx:
            repository.insert(tx, "winner", winner)

    inventory.before_answer = place_the_same_key_concurrently
    order = place(OrderServicer(db, inventory), request())  # type: ignore[arg-type]
    assert order.order_id == "winner"
    with db.read() as tx:
        assert tx.execute("SELECT COUNT(*) FROM orders").fetchone() == (1,)
    assert db.outbox_backlog() == 0
