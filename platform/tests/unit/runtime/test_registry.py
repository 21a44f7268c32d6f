"""Registration in bootstrap.py: explicit names, injected dependencies, refusals that say why."""

from typing import Any

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool
from homefield.runtime.db import Transaction
from homefield.runtime.registry import RegistrationError, Registry, event_topic
from shop.inventory.v1 import events_pb2 as inventory_events
from shop.orders.v1 import events_pb2 as order_events


class FakeGateway:
    def charge(self) -> str:
        return "charged"


def capture(_event: Any, tx: Transaction, *, gateway: FakeGateway) -> None:
    tx.execute(gateway.charge())


def registry() -> Registry:
    return Registry("payments", consumes=["orders.v1"])


def test_a_handler_is_routed_by_event_type_under_its_registered_name() -> None:
    found = registry()
    gateway = FakeGateway()
    found.handle("capture_payment", order_events.OrderReserved, capture, gateway=gateway)
    route = found.routes["shop.orders.v1.OrderReserved"]
    assert (route.name, found.handler_names) == ("capture_payment", {"capture_payment"})

    class FakeTx:
        sql: list[str] = []

        def execute(self, sql: str) -> None:
            self.sql.append(sql)

    tx = FakeTx()
    route.handler(order_events.OrderReserved(), tx)  # type: ignore[arg-type]
    assert tx.sql == ["charged"]


@pytest.mark.parametrize(
    ("register", "problem"),
    [
        (lambda r: r.handle("Capture", order_events.OrderReserved, capture), "snake_case"),
        (lambda r: r.handle("capture", order_events.OrderReserved, capture), "no dependency"),
        (
            lambda r: r.handle("c", order_events.OrderReserved, capture, gateway=1, card=2),
            "card is not a keyword-only parameter",
        ),
        (
            lambda r: r.handle("c", inventory_events.StockReserved, capture, gateway=1),
            "comes from inventory.v1, which services/payments/service.yaml does not list",
        ),
    ],
)
def test_registration_refuses_what_could_never_run(register: Any, problem: str) -> None:
    with pytest.raises(RegistrationError, match=problem):
        register(registry())


def test_names_and_event_types_are_registered_once() -> None:
    found = registry()
    found.handle("capture", order_events.OrderReserved, capture, gateway=FakeGateway())
    with pytest.raises(RegistrationError, match="registered twice"):
        found.handle("capture", order_events.OrderPlaced, capture, gateway=FakeGateway())
    with pytest.raises(RegistrationError, match="already has a handler: capture"):
        found.handle("again", order_events.OrderReserved, capture, gateway=FakeGateway())


def test_event_topics_follow_the_producers_package() -> None:
    assert event_topic(order_events.OrderPlaced) == "orders.v1"
    assert event_topic(inventory_events.StockRejected) == "inventory.v1"


def test_grpc_methods_must_be_the_protos_methods() -> None:
    found = Registry("orders", consumes=[])
    found.add_grpc_service("shop.orders.v1.OrderService", ["PlaceOrder", "GetOrder"])
    assert found.grpc_methods == {
        "PlaceOrder": "shop.orders.v1.OrderService",
        "GetOrder": "shop.orders.v1.OrderService",
    }
    with pytest.raises(RegistrationError, match="each method of the proto once: PlaceOrder"):
        Registry("orders", consumes=[]).add_grpc_service(
            "shop.orders.v1.OrderService", ["PlaceOrder"]
        )
    with pytest.raises(RegistrationError, match="not a generated gRPC service"):
        Registry("orders", consumes=[]).add_grpc_service("shop.orders.v1.Nope", [])


def streaming_pool() -> descriptor_pool.DescriptorPool:
    """A pool with one service that has a server-streaming method."""
    proto = descriptor_pb2.FileDescriptorProto(name="t/feed.proto", package="t.feed.v1")
    proto.message_type.add(name="Item")
    service = proto.service.add(name="FeedService")
    service.method.add(name="Get", input_type=".t.feed.v1.Item", output_type=".t.feed.v1.Item")
    service.method.add(
        name="Watch",
        input_type=".t.feed.v1.Item",
        output_type=".t.feed.v1.Item",
        server_streaming=True,
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return pool


def test_a_streaming_method_is_refused_at_registration() -> None:
    found = Registry("feed", consumes=[], pool=streaming_pool())
    with pytest.raises(RegistrationError, match="FeedService/Watch is a streaming method"):
        found.add_grpc_service("t.feed.v1.FeedService", ["Get", "Watch"])
