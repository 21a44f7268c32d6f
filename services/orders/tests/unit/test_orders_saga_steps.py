"""orders' saga steps, against a real SQLite file, no broker."""

from pathlib import Path

import pytest
from homefield.runtime.db import Database, open_database
from orders.adapters import repository
from orders.bootstrap import MIGRATIONS
from orders.domain.model import Item, NewOrder, Status, next_status
from orders.handlers import cancel_payment_declined, confirm_order, mark_reserved, mark_shipped
from shop.inventory.v1 import events_pb2 as inventory_events
from shop.payments.v1 import events_pb2 as payment_events
from shop.shipping.v1 import events_pb2 as shipping_events


def new_order(**changes: object) -> NewOrder:
    fields: dict[str, object] = dict(
        customer_id="c1",
        items=(Item("SKU-A", 2, 500),),
        payment_token="tok_visa",
        idempotency_key="k1",
    )
    fields.update(changes)
    return NewOrder(**fields)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(
        f"sqlite:///{tmp_path / 'orders.sqlite3'}", topic="orders.v1", migrations=[MIGRATIONS]
    )
    database.open()
    with database.transaction() as tx:
        repository.insert(tx, "o1", new_order(shipping_cents=499))
    return database


def test_the_happy_path_walks_every_status_and_announces_each(db: Database) -> None:
    for handler, event in [
        (mark_reserved, inventory_events.StockReserved(order_id="o1")),
        (confirm_order, payment_events.PaymentCaptured(order_id="o1")),
        (mark_shipped, shipping_events.ShipmentDispatched(order_id="o1", tracking_number="T1")),
    ]:
        with db.transaction() as tx:
            handler(event, tx)
    order = repository.get(db.conn, "o1")
    assert order is not None and order.total_cents == 2 * 500 + 499
    assert [status for status, _ in order.history] == [
        "PENDING",
        "RESERVED",
        "CONFIRMED",
        "SHIPPED",
    ]
    types = [row.ce_type.rsplit(".", 1)[1] for row in db.pending_outbox(10)]
    assert types == ["OrderReserved", "OrderConfirmed", "OrderShipped"]


def test_a_decline_cancels_and_asks_inventory_to_release(db: Database) -> None:
    with db.transaction() as tx:
        mark_reserved(inventory_events.StockReserved(order_id="o1"), tx)
        cancel_payment_declined(payment_events.PaymentDeclined(order_id="o1"), tx)
        confirm_order(payment_events.PaymentCaptured(order_id="o1"), tx)  # too late: no effect
    order = repository.get(db.conn, "o1")
    assert order is not None and (order.status, order.reason) == ("CANCELLED", "PAYMENT_DECLINED")
    assert db.pending_outbox(10)[-1].ce_type == "shop.orders.v1.OrderCancelled"


def test_steps_out_of_order_do_not_apply() -> None:
    assert next_status(Status.PENDING, "payment_captured") is None
    assert next_status(Status.CANCELLED, "stock_reserved") is None
    assert next_status(Status.RESERVED, "payment_declined") == Status.CANCELLED


def test_the_fingerprint_tells_a_retry_from_a_different_request() -> None:
    assert new_order().fingerprint() == new_order().fingerprint()
    assert new_order().fingerprint() != new_order(items=(Item("SKU-A", 3),)).fingerprint()
