"""The public API over real HTTP, with orders, inventory and experiments on a real broker."""

import asyncio
from pathlib import Path

import pytest
from homefield.testing.service import eventually
from storefront_fixtures import live_shop

pytestmark = pytest.mark.integration

# Three teas cost 2697 cents: free shipping in the treatment (from 2500), 499 in control (5000).
THREE_TEAS = [{"sku": "SKU-TEA-001", "quantity": 3}]


def order_body(customer_id: str = "cust-1", items: list | None = None, token: str = "tok_visa"):
    return {"customer_id": customer_id, "items": items or THREE_TEAS, "payment_token": token}


async def test_an_order_is_placed_reserved_and_priced_by_its_variant(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with live_shop(kafka_bootstrap, tmp_path) as shop:
        accepted = await shop.place(order_body(), key="order-1")
        assert accepted.status_code == 202
        order_id = accepted.json()["order_id"]

        async def reserved() -> dict | None:
            order = (await shop.get(f"/v1/orders/{order_id}")).json()
            return order if order["status"] == "RESERVED" else None

        order = await eventually(reserved)
        experiment, _, variant = order["variant"].partition(":")
        assert experiment == "free-shipping-threshold"
        assert order["total_cents"] == 2697 + (0 if variant == "treatment" else 499)
        assert [h["status"] for h in order["history"]] == ["PENDING", "RESERVED"]


async def test_retries_replay_and_a_reused_key_is_a_409(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with live_shop(kafka_bootstrap, tmp_path) as shop:
        racing = await asyncio.gather(*(shop.place(order_body(), key="dup") for _ in range(8)))
        reused = await shop.place(order_body(token="tok_chargeDeclined"), key="dup")

        assert {r.status_code for r in racing} == {202}
        assert len({r.json()["order_id"] for r in racing}) == 1
        assert reused.status_code == 409
        assert shop.orders_stored() == 1


async def test_an_unknown_sku_is_a_422_and_creates_no_order(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with live_shop(kafka_bootstrap, tmp_path) as shop:
        items = [{"sku": "SKU-TEA-001", "quantity": 1}, {"sku": "SKU-NOPE-404", "quantity": 1}]
        response = await shop.place(order_body(items=items), key="unknown")

        assert response.status_code == 422
        assert response.json()["field"] == "items[1].sku"
        assert shop.orders_stored() == 0


async def test_products_come_from_inventory_and_unknown_orders_are_404(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with live_shop(kafka_bootstrap, tmp_path) as shop:
        products = (await shop.get("/v1/products")).json()
        missing = await shop.get("/v1/orders/00000000-0000-0000-0000-000000000000")

        teapot = next(p for p in products if p["sku"] == "SKU-LTD-001")
        assert teapot == {
            "sku": "SKU-LTD-001",
            "name": "Limited edition teapot",
            "price_cents": 12500,
            "available": 5,
        }
        assert missing.status_code == 404


async def test_experiment_results_count_the_customers_who_ordered(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with live_shop(kafka_bootstrap, tmp_path) as shop:
        for n in range(6):
            await shop.place(order_body(customer_id=f"cust-{n}"), key=f"exp-{n}")

        results = await shop.get("/v1/experiments/free-shipping-threshold/results")
        unknown = await shop.get("/v1/experiments/no-such-experiment/results")

        assert results.status_code == 200
        assert sum(v["units"] for v in results.json()["variants"]) == 6
        assert unknown.status_code == 404


async def test_without_experiments_orders_still_go_through_at_control_shipping(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    async with live_shop(kafka_bootstrap, tmp_path, with_experiments=False) as shop:
        accepted = await shop.place(order_body(), key="no-weblab")
        order = (await shop.get(f"/v1/orders/{accepted.json()['order_id']}")).json()

        assert accepted.status_code == 202
        assert order["total_cents"] == 2697 + 499
        assert order["variant"] == ""
