"""Reading the run's orders from the orders topic: the pure step, then a real broker."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import ModuleType

import pytest
from homefield.testing.events import publish
from shop.orders.v1 import events_pb2, orders_pb2

T0 = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)


def at(ms: float) -> datetime:
    return T0 + timedelta(milliseconds=ms)


@pytest.fixture
def watch(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("order_watch")


def feed(watch: ModuleType, orders: object, event: object, key: str, ms: float) -> None:
    watch.take(
        orders,
        ce_type=event.DESCRIPTOR.full_name,
        key=key,
        payload=event.SerializeToString(),
        at=at(ms),
        prefix="load-r1-",
    )


def test_only_the_runs_orders_count_and_latency_is_the_shops_own_clock(watch: ModuleType) -> None:
    orders = watch.Orders()
    feed(watch, orders, events_pb2.OrderPlaced(order_id="a", customer_id="load-r1-0-1"), "a", 0)
    feed(watch, orders, events_pb2.OrderPlaced(order_id="b", customer_id="load-r1-0-2"), "b", 10)
    feed(watch, orders, events_pb2.OrderPlaced(order_id="x", customer_id="someone"), "x", 10)
    feed(watch, orders, events_pb2.OrderReserved(order_id="a"), "a", 40)
    feed(watch, orders, events_pb2.OrderShipped(order_id="a"), "a", 180)
    feed(watch, orders, events_pb2.OrderShipped(order_id="x"), "x", 50)
    assert orders.unfinished({"a", "b", "c"}) == {"b", "c"}
    reason = orders_pb2.CANCEL_REASON_OUT_OF_STOCK
    feed(watch, orders, events_pb2.OrderCancelled(order_id="b", reason=reason), "b", 60)
    assert orders.unfinished({"a", "b"}) == set()
    assert sorted(orders.latencies_ms()) == [50.0, 180.0]
    assert orders.latencies_ms("SHIPPED") == [180.0]
    assert (orders.count("SHIPPED"), orders.reasons()) == (1, {"OUT_OF_STOCK": 1})
    assert orders.span_seconds() == pytest.approx(0.18)


@pytest.mark.integration
async def test_the_watch_follows_a_real_topic_from_where_it_started(
    watch: ModuleType, kafka_bootstrap: str, kafka_topics: Callable[..., str]
) -> None:
    topic = kafka_topics("orders.v1", partitions=3)
    earlier = events_pb2.OrderPlaced(order_id="old", customer_id="load-r1-0-0")
    await publish(kafka_bootstrap, topic, earlier, key="old")  # before the run: not counted
    follower = watch.OrderWatch(bootstrap=kafka_bootstrap, topic=topic, customer_prefix="load-r1-")
    await follower.start()
    try:
        for n in range(5):
            oid = f"o{n}"
            placed = events_pb2.OrderPlaced(order_id=oid, customer_id=f"load-r1-0-{n}")
            await publish(
                kafka_bootstrap, topic, placed, events_pb2.OrderShipped(order_id=oid), key=oid
            )
        progress: list[tuple[int, int]] = []
        accepted = {f"o{n}" for n in range(5)}
        missing = await follower.wait_until_ended(
            accepted, timeout=60, report=lambda *counts: progress.append(counts)
        )
    finally:
        await follower.stop()
    assert missing == set()
    assert sorted(follower.orders.placed) == ["o0", "o1", "o2", "o3", "o4"]
    assert follower.orders.count("SHIPPED") == 5
    assert follower.malformed == 0


@pytest.mark.integration
async def test_a_missing_topic_is_named(watch: ModuleType, kafka_bootstrap: str) -> None:
    follower = watch.OrderWatch(
        bootstrap=kafka_bootstrap, topic="no-such-topic.v1", customer_prefix="x"
    )
    with pytest.raises(watch.WatchError, match="no topic no-such-topic.v1 on the broker"):
        await follower.start()
