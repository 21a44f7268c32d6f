"""orders + inventory on a real Kafka broker: the reservation step of the saga."""

from pathlib import Path

import grpc
import pytest
from homefield.testing.service import eventually
from opentelemetry.trace import SpanKind
from saga_fixtures import place_request, shop
from shop.orders.v1 import orders_pb2

pytestmark = pytest.mark.integration


async def test_an_order_is_reserved_and_one_trace_spans_both_services(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with shop(kafka_bootstrap, tmp_path) as world:
        placed = await world.stub.PlaceOrder(place_request("trace-1", quantity=2))
        order_id = placed.order.order_id
        assert placed.order.status == orders_pb2.ORDER_STATUS_PENDING
        assert placed.order.total_cents == 2 * 899

        async def reserved() -> bool:
            return (await world.get(order_id)).status == orders_pb2.ORDER_STATUS_RESERVED

        await eventually(reserved)
        spans = world.spans.get_finished_spans()
        place = next(s for s in spans if s.name.endswith("/PlaceOrder"))
        trace_id = place.context.trace_id
        same_trace = {s.name for s in spans if s.context.trace_id == trace_id}
        assert "handle shop.orders.v1.OrderPlaced" in same_trace  # inventory's handler
        assert "handle shop.inventory.v1.StockReserved" in same_trace  # back in orders
        by_id = {s.context.span_id: s for s in spans}
        handle = next(s for s in spans if s.name == "handle shop.orders.v1.OrderPlaced")
        assert handle.parent is not None
        send = by_id[handle.parent.span_id]  # the consumer's span is the producer span's child
        assert (send.name, send.kind) == ("send shop.orders.v1.OrderPlaced", SpanKind.PRODUCER)
        assert send.parent is not None and by_id[send.parent.span_id] is place


async def test_an_order_beyond_the_stock_is_cancelled_out_of_stock(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with shop(kafka_bootstrap, tmp_path) as world:
        first = await world.stub.PlaceOrder(place_request("ltd-1", sku="SKU-LTD-001", quantity=5))
        second = await world.stub.PlaceOrder(place_request("ltd-2", sku="SKU-LTD-001", quantity=1))

        async def settled() -> bool:
            a, b = await world.get(first.order.order_id), await world.get(second.order.order_id)
            return (
                a.status != orders_pb2.ORDER_STATUS_PENDING
                and b.status != orders_pb2.ORDER_STATUS_PENDING
            )

        await eventually(settled)
        a, b = await world.get(first.order.order_id), await world.get(second.order.order_id)
        assert a.status == orders_pb2.ORDER_STATUS_RESERVED
        assert b.status == orders_pb2.ORDER_STATUS_CANCELLED
        assert b.reason == orders_pb2.CANCEL_REASON_OUT_OF_STOCK
        assert [h.status for h in b.history] == [
            orders_pb2.ORDER_STATUS_PENDING,
            orders_pb2.ORDER_STATUS_CANCELLED,
        ]


async def test_unknown_order_is_not_found(kafka_bootstrap: str, tmp_path: Path) -> None:
    async with shop(kafka_bootstrap, tmp_path) as world:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await world.get("no-such-order")
        assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_the_same_key_returns_the_same_order_and_a_different_body_conflicts(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with shop(kafka_bootstrap, tmp_path) as world:
        first = await world.stub.PlaceOrder(place_request("idem-1"))
        again = await world.stub.PlaceOrder(place_request("idem-1"))
        assert again.order.order_id == first.order.order_id
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await world.stub.PlaceOrder(place_request("idem-1", quantity=3))
        assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS
        assert "idempotency_key" in (err.value.details() or "")


async def test_an_unknown_sku_is_invalid_argument_and_writes_nothing(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with shop(kafka_bootstrap, tmp_path) as world:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await world.stub.PlaceOrder(place_request("sku-1", sku="NOPE"))
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "items[0].sku" in (err.value.details() or "")
        count = world.orders.db.conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
        assert count == 0
