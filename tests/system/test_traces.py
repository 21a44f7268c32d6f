"""One order's saga is one trace in Zipkin, from `POST /v1/orders` to the customer's notice.

The storefront is restarted with every new trace sampled (`OTEL_TRACES_SAMPLER_ARG=1.0`);
sampling is parent-based, so every service the saga reaches records its part of that trace.
"""

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from homefield.local.control import restart_service
from shop_client import ShopClient, order_body

pytestmark = pytest.mark.system
ZIPKIN = "http://127.0.0.1:9411"
CONSOLE = "http://127.0.0.1:9000"
SAGA = {"storefront", "orders", "inventory", "payments", "shipping", "notifications"}
# Every step of a shipped order's saga: (service, consumer span) as Zipkin names them.
STEPS = {
    ("inventory", "handle shop.orders.v1.orderplaced"),
    ("orders", "handle shop.inventory.v1.stockreserved"),
    ("payments", "handle shop.orders.v1.orderreserved"),
    ("orders", "handle shop.payments.v1.paymentcaptured"),
    ("shipping", "handle shop.orders.v1.orderconfirmed"),
    ("orders", "handle shop.shipping.v1.shipmentdispatched"),
    ("notifications", "handle shop.orders.v1.ordershipped"),
}


@pytest.fixture
def sampled_shop(shop: ShopClient) -> Iterator[ShopClient]:
    restart_service("storefront", root=shop.repo, env={"OTEL_TRACES_SAMPLER_ARG": "1.0"})
    try:
        yield shop
    finally:
        restart_service("storefront", root=shop.repo)


def trace_from_zipkin(trace_id: str) -> list[dict[str, Any]]:
    """The spans of ``trace_id`` as Zipkin's trace search returns them, or [] if not found."""
    params = {"serviceName": "storefront", "lookback": 600_000, "limit": 1000}
    response = httpx.get(f"{ZIPKIN}/api/v2/traces", params=params, timeout=10)
    response.raise_for_status()
    found = [spans for spans in response.json() if spans and spans[0]["traceId"] == trace_id]
    return found[0] if found else []


def services_of(spans: list[dict[str, Any]]) -> set[str]:
    return {span["localEndpoint"]["serviceName"] for span in spans}


def steps_of(spans: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (span["localEndpoint"]["serviceName"], span["name"])
        for span in spans
        if span.get("kind") == "CONSUMER"
    }


def wait_for_saga_trace(trace_id: str, timeout: float) -> list[dict[str, Any]]:
    """Spans reach Zipkin in batches (every few seconds per service): wait for all of them."""
    deadline = time.monotonic() + timeout
    spans: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        spans = trace_from_zipkin(trace_id)
        if STEPS <= steps_of(spans):
            return spans
        time.sleep(1)
    missing = sorted(STEPS - steps_of(spans))
    raise AssertionError(f"trace {trace_id} lacks {missing} after {timeout}s")


def test_an_orders_saga_is_one_trace_across_six_services(sampled_shop: ShopClient) -> None:
    response = sampled_shop.place(order_body())
    assert response.status_code == 202, response.text
    version, trace_id, _span_id, flags = response.headers["traceresponse"].split("-")
    assert version == "00" and int(flags, 16) & 1, "the storefront sampled the order's trace"
    order_id = response.json()["order_id"]
    assert sampled_shop.wait_terminal(order_id)["status"] == "SHIPPED"

    spans = wait_for_saga_trace(trace_id, timeout=90)

    by_id = {span["id"]: span for span in spans}
    roots = [span for span in spans if "parentId" not in span]
    assert [(r["localEndpoint"]["serviceName"], r["name"]) for r in roots] == [
        ("storefront", "post /v1/orders")
    ]
    orphans = [span["name"] for span in spans if span.get("parentId", roots[0]["id"]) not in by_id]
    assert orphans == [], "every span hangs off the one tree"
    consumer_spans = [span for span in spans if span.get("kind") == "CONSUMER"]
    for consumer in consumer_spans:
        producer = by_id[consumer["parentId"]]
        assert producer["kind"] == "PRODUCER", consumer["name"]
        event = consumer["name"].removeprefix("handle ")
        assert producer["name"] == f"send {event}"
    assert SAGA <= services_of(spans)

    # The console's dependency strip counts the same gRPC calls from Zipkin's links.
    team = httpx.get(f"{CONSOLE}/api/teams/checkout", timeout=30).json()
    orders = next(service for service in team["services"] if service["name"] == "orders")
    edges = {(edge["service"], edge["relation"]): edge for edge in orders["dependencies"]}
    assert edges[("storefront", "called by")]["traced_calls"] >= 1
    assert edges[("inventory", "calls")]["traced_calls"] >= 1
