"""orders + inventory on PostgreSQL and a real Kafka broker: the same saga step as on SQLite, with
each service in its own database, migrated at start."""

from pathlib import Path

import pytest
from homefield.testing.postgres import PostgresServer
from homefield.testing.service import eventually
from saga_fixtures import place_request, shop
from shop.orders.v1 import orders_pb2

pytestmark = pytest.mark.integration


async def test_orders_reserve_until_the_stock_runs_out_and_replays_change_nothing(
    kafka_bootstrap: str,
    tmp_path: Path,
    postgres_server: PostgresServer,
) -> None:
    databases = {name: postgres_server.create_database() for name in ("orders", "inventory")}
    async with shop(kafka_bootstrap, tmp_path, database_url=databases.__getitem__) as world:
        first = await world.stub.PlaceOrder(place_request("pg-1", sku="SKU-LTD-001", quantity=5))
        second = await world.stub.PlaceOrder(place_request("pg-2", sku="SKU-LTD-001", quantity=1))
        replay = await world.stub.PlaceOrder(place_request("pg-1", sku="SKU-LTD-001", quantity=5))
        assert replay.order.order_id == first.order.order_id

        async def settled() -> bool:
            a, b = await world.get(first.order.order_id), await world.get(second.order.order_id)
            return orders_pb2.ORDER_STATUS_PENDING not in (a.status, b.status)

        await eventually(settled)
        a, b = await world.get(first.order.order_id), await world.get(second.order.order_id)
        assert a.status == orders_pb2.ORDER_STATUS_RESERVED
        assert (b.status, b.reason) == (
            orders_pb2.ORDER_STATUS_CANCELLED,
            orders_pb2.CANCEL_REASON_OUT_OF_STOCK,
        )
        with world.inventory.db.read() as tx:
            stock = tx.execute(
                "SELECT available, reserved FROM products WHERE sku = ?", ("SKU-LTD-001",)
            ).fetchone()
        assert tuple(stock) == (0, 5)
        assert world.orders.db.outbox_backlog() == 0
