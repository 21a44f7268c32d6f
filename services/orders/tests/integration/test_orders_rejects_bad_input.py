"""orders on a real broker, alone: bad input is rejected before anything is written."""

from pathlib import Path

import grpc
import pytest
from homefield.local.health import free_port
from homefield.rules import field_rules
from homefield.testing.service import create_topics, running, unique_prefix
from orders.bootstrap import build
from orders.settings import OrdersSettings
from shop.orders.v1 import orders_pb2, orders_pb2_grpc

pytestmark = pytest.mark.integration

QUANTITY = field_rules(orders_pb2.OrderItem.DESCRIPTOR, "quantity").int32


def place_request() -> orders_pb2.PlaceOrderRequest:
    return orders_pb2.PlaceOrderRequest(
        customer_id="cust-1",
        items=[orders_pb2.OrderItem(sku="SKU-TEA-001", quantity=1)],
        payment_token="tok_visa",
        idempotency_key="bad-1",
    )


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r.ClearField("items"), "items"),
        (lambda r: setattr(r.items[0], "quantity", QUANTITY.gte - 1), "items[0].quantity"),
        (lambda r: setattr(r.items[0], "quantity", QUANTITY.lte + 1), "items[0].quantity"),
        (lambda r: setattr(r, "payment_token", "tok_mastercard"), "payment_token"),
        (lambda r: setattr(r, "customer_id", ""), "customer_id"),
        (lambda r: setattr(r, "idempotency_key", ""), "idempotency_key"),
    ],
)
async def test_bad_input_is_invalid_argument_naming_the_field_and_writes_nothing(
    kafka_bootstrap: str, tmp_path: Path, mutate, field: str
) -> None:
    prefix = unique_prefix()
    await create_topics(kafka_bootstrap, prefix)
    settings = OrdersSettings(
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=prefix,
        grpc_port=0,
        http_port=0,
        database_url=f"sqlite:///{tmp_path / 'orders.sqlite3'}",
        # bad input never reaches inventory: nothing listens at this address
        endpoints={"shop.inventory.v1.InventoryService": (f"127.0.0.1:{free_port()}",)},
    )
    app = build(settings)
    async with running(app):
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc_port}") as channel:
            request = place_request()
            mutate(request)
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await orders_pb2_grpc.OrderServiceStub(channel).PlaceOrder(request)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field in (err.value.details() or "")
        count = app.db.conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
        outbox = app.db.conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        assert (count, outbox) == (0, 0)
