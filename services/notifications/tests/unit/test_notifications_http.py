from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from homefield.runtime.db import open_database
from notifications.bootstrap import MIGRATIONS
from notifications.entrypoints.http import build_router
from notifications.handlers import notify_order_cancelled, notify_order_placed
from shop.orders.v1 import events_pb2, orders_pb2


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    db = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}", topic="", migrations=[MIGRATIONS])
    db.open()
    with db.transaction() as tx:
        notify_order_placed(
            events_pb2.OrderPlaced(
                order_id="o-1",
                customer_id="c-1",
                items=[orders_pb2.OrderItem(sku="SKU-TEA-001", quantity=1)],
                total_cents=899,
            ),
            tx,
        )
        notify_order_cancelled(
            events_pb2.OrderCancelled(
                order_id="o-1", customer_id="c-1", reason=orders_pb2.CANCEL_REASON_OUT_OF_STOCK
            ),
            tx,
        )
        notify_order_placed(events_pb2.OrderPlaced(order_id="o-2", customer_id="c-2"), tx)
    app = FastAPI()
    app.include_router(build_router(db))
    yield TestClient(app)
    db.close()


def test_messages_for_an_order_oldest_first(client: TestClient) -> None:
    response = client.get("/v1/notifications", params={"order_id": "o-1"})

    assert response.status_code == 200
    body = response.json()
    assert [(n["kind"], n["customer_id"]) for n in body] == [
        ("placed", "c-1"),
        ("cancelled", "c-1"),
    ]
    assert body[1]["message"] == (
        "Your order o-1 was cancelled: out of stock. You have not been charged."
    )
    assert set(body[0]) == {"order_id", "customer_id", "kind", "message", "sent_at"}


def test_messages_for_a_customer(client: TestClient) -> None:
    response = client.get("/v1/notifications", params={"customer_id": "c-2"})

    assert [(n["order_id"], n["kind"]) for n in response.json()] == [("o-2", "placed")]


def test_both_filters_narrow_the_result(client: TestClient) -> None:
    response = client.get("/v1/notifications", params={"order_id": "o-1", "customer_id": "c-2"})

    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize("params", [{}, {"order_id": ""}, {"order_id": " ", "customer_id": ""}])
def test_without_a_filter_is_422_naming_the_parameter(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/v1/notifications", params=params)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "order_id"]
    assert "customer_id" in error["msg"]


def test_oversized_or_malformed_parameters_are_422(client: TestClient) -> None:
    too_long = client.get("/v1/notifications", params={"order_id": "x" * 201})
    bad_limit = client.get("/v1/notifications", params={"order_id": "o-1", "limit": "0"})

    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"] == ["query", "order_id"]
    assert bad_limit.status_code == 422
    assert bad_limit.json()["detail"][0]["loc"] == ["query", "limit"]
