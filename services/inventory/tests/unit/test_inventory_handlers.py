"""inventory's handlers against a real SQLite file, no broker."""

from pathlib import Path

import pytest
from homefield.runtime.db import Database, open_database
from inventory.adapters.stock import seed
from inventory.bootstrap import MIGRATIONS
from inventory.handlers import release_reservation, reserve_stock, settle_shipped_stock
from shop.orders.v1 import events_pb2, orders_pb2


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(
        f"sqlite:///{tmp_path / 'inventory.sqlite3'}",
        topic="inventory.v1",
        migrations=[MIGRATIONS],
        seed=seed,
    )
    database.open()
    return database


def placed(order_id: str, *lines: tuple[str, int]) -> events_pb2.OrderPlaced:
    items = [orders_pb2.OrderItem(sku=sku, quantity=qty) for sku, qty in lines]
    return events_pb2.OrderPlaced(order_id=order_id, items=items)


def stock(db: Database, sku: str) -> tuple[int, int]:
    row = db.conn.execute(
        "SELECT available, reserved FROM products WHERE sku = ?", (sku,)
    ).fetchone()
    return int(row[0]), int(row[1])


def published(db: Database) -> list[str]:
    return [row.ce_type.rsplit(".", 1)[1] for row in db.pending_outbox(100)]


def test_all_lines_are_reserved_together(db: Database) -> None:
    with db.transaction() as tx:
        reserve_stock(placed("o1", ("SKU-LTD-001", 2), ("SKU-MUG-001", 1), ("SKU-LTD-001", 1)), tx)
    assert stock(db, "SKU-LTD-001") == (2, 3)
    assert stock(db, "SKU-MUG-001") == (299, 1)
    assert published(db) == ["StockReserved"]


def test_one_short_line_rejects_the_whole_order_and_holds_nothing(db: Database) -> None:
    with db.transaction() as tx:
        reserve_stock(placed("o1", ("SKU-MUG-001", 1), ("SKU-LTD-001", 6)), tx)
    assert stock(db, "SKU-MUG-001") == (300, 0)
    assert published(db) == ["StockRejected"]


def test_an_unknown_sku_is_rejected(db: Database) -> None:
    with db.transaction() as tx:
        reserve_stock(placed("o1", ("NOPE", 1)), tx)
    assert published(db) == ["StockRejected"]


def test_release_puts_stock_back_once(db: Database) -> None:
    with db.transaction() as tx:
        reserve_stock(placed("o1", ("SKU-LTD-001", 5)), tx)
    cancelled = events_pb2.OrderCancelled(order_id="o1", release_stock=True)
    for _ in range(2):
        with db.transaction() as tx:
            release_reservation(cancelled, tx)
    assert stock(db, "SKU-LTD-001") == (5, 0)
    assert published(db) == ["StockReserved", "StockReleased"]


def test_shipping_consumes_the_reservation(db: Database) -> None:
    with db.transaction() as tx:
        reserve_stock(placed("o1", ("SKU-LTD-001", 2)), tx)
        settle_shipped_stock(events_pb2.OrderShipped(order_id="o1"), tx)
        release_reservation(events_pb2.OrderCancelled(order_id="o1"), tx)
    assert stock(db, "SKU-LTD-001") == (3, 0)
