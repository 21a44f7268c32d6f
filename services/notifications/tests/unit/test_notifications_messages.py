from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from homefield.runtime import InvalidEvent
from homefield.runtime.db import Database, open_database
from notifications.adapters import sent_log
from notifications.bootstrap import MIGRATIONS, build
from notifications.domain import messages as messages_module
from notifications.domain.messages import amount
from notifications.handlers import (
    notify_order_cancelled,
    notify_order_confirmed,
    notify_order_placed,
    notify_order_shipped,
)
from notifications.settings import NotificationsSettings
from shop.orders.v1 import events_pb2, orders_pb2


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", topic="", migrations=[MIGRATIONS]
    )
    database.open()
    yield database
    database.close()


def messages(db: Database, order_id: str = "o-1") -> list[tuple[str, str]]:
    found = sent_log.find(db.conn, order_id=order_id, customer_id=None, limit=100)
    return [(m.kind, m.message) for m in found]


def placed_event() -> events_pb2.OrderPlaced:
    return events_pb2.OrderPlaced(
        order_id="o-1",
        customer_id="c-1",
        items=[
            orders_pb2.OrderItem(sku="SKU-TEA-001", quantity=2, unit_price_cents=899),
            orders_pb2.OrderItem(sku="SKU-MUG-001", quantity=1, unit_price_cents=1450),
        ],
        total_cents=3248,
        payment_token="tok_visa",
    )


def test_happy_path_tells_the_customer_three_times(db: Database) -> None:
    with db.transaction() as tx:
        notify_order_placed(placed_event(), tx)
        notify_order_confirmed(
            events_pb2.OrderConfirmed(order_id="o-1", customer_id="c-1", total_cents=3248), tx
        )
        notify_order_shipped(
            events_pb2.OrderShipped(order_id="o-1", customer_id="c-1", tracking_number="HFX7"), tx
        )

    assert messages(db) == [
        ("placed", "Thanks for your order o-1: 3 items, total 32.48. We will confirm it shortly."),
        (
            "confirmed",
            "Your order o-1 is confirmed: we received your payment of 32.48"
            " and are packing your parcel.",
        ),
        ("shipped", "Your order o-1 has shipped. Tracking number: HFX7."),
    ]


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        (
            orders_pb2.CANCEL_REASON_OUT_OF_STOCK,
            "Your order o-1 was cancelled: out of stock. You have not been charged.",
        ),
        (
            orders_pb2.CANCEL_REASON_PAYMENT_DECLINED,
            "Your order o-1 was cancelled: your payment was declined. You have not been charged.",
        ),
        (orders_pb2.CANCEL_REASON_UNSPECIFIED, "Your order o-1 was cancelled."),
        (99, "Your order o-1 was cancelled."),
    ],
)
def test_cancellation_explains_why(db: Database, reason: int, text: str) -> None:
    event = events_pb2.OrderCancelled(order_id="o-1", customer_id="c-1", reason=reason)
    with db.transaction() as tx:
        notify_order_cancelled(event, tx)

    assert messages(db) == [("cancelled", text)]


def test_duplicate_event_sends_one_message(db: Database) -> None:
    for _ in range(3):
        with db.transaction() as tx:
            notify_order_placed(placed_event(), tx)

    assert [kind for kind, _ in messages(db)] == ["placed"]


def test_messages_can_be_found_by_customer(db: Database) -> None:
    with db.transaction() as tx:
        notify_order_placed(placed_event(), tx)
        notify_order_cancelled(
            events_pb2.OrderCancelled(order_id="o-2", customer_id="c-1", reason=1), tx
        )
        notify_order_cancelled(
            events_pb2.OrderCancelled(order_id="o-3", customer_id="c-other", reason=1), tx
        )

    found = sent_log.find(db.conn, order_id=None, customer_id="c-1", limit=100)
    assert [(m.order_id, m.kind) for m in found] == [("o-1", "placed"), ("o-2", "cancelled")]


def test_event_without_order_id_is_refused(db: Database) -> None:
    with pytest.raises(InvalidEvent, match="order_id"), db.transaction() as tx:
        notify_order_shipped(events_pb2.OrderShipped(customer_id="c-1"), tx)

    assert messages(db, "") == []


def test_single_item_and_amounts_read_naturally() -> None:
    single = messages_module.placed("o-9", "c-1", item_count=1, total_cents=500)
    assert "o-9: 1 item, total 5.00." in single.message
    assert (amount(5), amount(100), amount(123456)) == ("0.05", "1.00", "1234.56")


def test_every_customer_visible_order_event_has_a_handler(tmp_path: Path) -> None:
    app = build(NotificationsSettings(database_url=f"sqlite:///{tmp_path / 'n.sqlite3'}"))
    routes = app.registry.routes.values()
    assert {r.event_type.DESCRIPTOR.name: r.name for r in routes} == {
        "OrderPlaced": "notify_order_placed",
        "OrderConfirmed": "notify_order_confirmed",
        "OrderShipped": "notify_order_shipped",
        "OrderCancelled": "notify_order_cancelled",
    }
