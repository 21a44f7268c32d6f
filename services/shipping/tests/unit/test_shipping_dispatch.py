from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from homefield.runtime import InvalidArgument, InvalidEvent, NotFound
from homefield.runtime.db import Database, open_database
from shipping.adapters import shipments
from shipping.bootstrap import MIGRATIONS, build
from shipping.entrypoints.grpc import ShippingServicer
from shipping.handlers import dispatch_shipment
from shipping.settings import ShippingSettings
from shop.orders.v1.events_pb2 import OrderConfirmed
from shop.orders.v1.orders_pb2 import OrderItem
from shop.shipping.v1 import shipping_pb2
from shop.shipping.v1.events_pb2 import ShipmentDispatched


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", topic="shipping.v1", migrations=[MIGRATIONS]
    )
    database.open()
    yield database
    database.close()


def confirmed(order_id: str = "o-1") -> OrderConfirmed:
    return OrderConfirmed(
        order_id=order_id,
        customer_id="c-1",
        items=[OrderItem(sku="SKU-TEA-001", quantity=2, unit_price_cents=899)],
        total_cents=1798,
    )


def deliver(db: Database, event: OrderConfirmed) -> None:
    with db.transaction() as tx:
        dispatch_shipment(event, tx)


def dispatched(db: Database) -> list[ShipmentDispatched]:
    rows = db.conn.execute("SELECT ce_type, payload FROM outbox ORDER BY id").fetchall()
    assert {t for t, _ in rows} <= {"shop.shipping.v1.ShipmentDispatched"}
    return [ShipmentDispatched.FromString(p) for _, p in rows]


def test_confirmed_order_is_dispatched_with_a_tracking_number(db: Database) -> None:
    deliver(db, confirmed())

    [event] = dispatched(db)
    assert event.order_id == "o-1"
    assert event.tracking_number.startswith("HF") and len(event.tracking_number) == 14
    stored = shipments.get(db.conn, "o-1")
    assert stored is not None
    assert (stored.shipment_id, stored.tracking_number) == (
        event.shipment_id,
        event.tracking_number,
    )


def test_duplicate_order_confirmed_ships_one_parcel(db: Database) -> None:
    deliver(db, confirmed())
    deliver(db, confirmed())

    assert len(dispatched(db)) == 1
    assert db.conn.execute("SELECT COUNT(*) FROM shipments").fetchone()[0] == 1


def test_every_order_gets_its_own_tracking_number(db: Database) -> None:
    for n in range(20):
        deliver(db, confirmed(f"o-{n}"))

    assert len({event.tracking_number for event in dispatched(db)}) == 20


def test_event_without_order_id_is_refused_and_ships_nothing(db: Database) -> None:
    with pytest.raises(InvalidEvent, match="order_id"):
        deliver(db, confirmed(""))

    assert dispatched(db) == []


async def test_order_confirmed_is_handled_by_dispatch_shipment(tmp_path: Path) -> None:
    app = build(ShippingSettings(database_url=f"sqlite:///{tmp_path / 's.sqlite3'}"))
    route = app.registry.routes[OrderConfirmed.DESCRIPTOR.full_name]
    assert (route.name, route.handler) == ("dispatch_shipment", dispatch_shipment)


async def test_get_shipment_returns_the_dispatched_parcel(db: Database) -> None:
    deliver(db, confirmed())
    [event] = dispatched(db)

    reply = await ShippingServicer(db).GetShipment(
        shipping_pb2.GetShipmentRequest(order_id="o-1"), None
    )

    assert reply.shipment.tracking_number == event.tracking_number
    assert reply.shipment.dispatched_at.seconds > 0


@pytest.mark.parametrize("order_id", ["", "  "])
async def test_get_shipment_without_order_id_is_invalid(db: Database, order_id: str) -> None:
    with pytest.raises(InvalidArgument, match="order_id"):
        await ShippingServicer(db).GetShipment(
            shipping_pb2.GetShipmentRequest(order_id=order_id), None
        )


async def test_get_shipment_for_unknown_order_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="o-404"):
        await ShippingServicer(db).GetShipment(
            shipping_pb2.GetShipmentRequest(order_id="o-404"), None
        )
