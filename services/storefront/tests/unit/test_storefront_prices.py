"""The price cache: one ListProducts for many orders, refreshed when old or when a SKU is new."""

import asyncio

import pytest
from shop.inventory.v1 import inventory_pb2
from storefront.adapters.prices import PriceCache
from storefront.adapters.upstream import Unavailable, Upstream

from .conftest import FakeExperiments, FakeInventory, FakeOrders


class CountingInventory(FakeInventory):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.extra: dict[str, int] = {}

    async def ListProducts(self, request, **options):
        self.calls += 1
        await asyncio.sleep(0)  # let concurrent callers pile up behind this refresh
        response = await super().ListProducts(request, **options)
        for sku, price in self.extra.items():
            response.products.append(inventory_pb2.Product(sku=sku, price_cents=price))
        return response


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def cache_on(inventory: FakeInventory, clock: Clock) -> PriceCache:
    upstream = Upstream(orders=FakeOrders(), inventory=inventory, experiments=FakeExperiments())
    return PriceCache(upstream, max_age_seconds=10, clock=clock)


async def test_orders_share_one_call_until_the_prices_are_old() -> None:
    inventory, clock = CountingInventory(), Clock()
    cache = cache_on(inventory, clock)
    answers = await asyncio.gather(*(cache.prices(["SKU-TEA-001"]) for _ in range(20)))
    assert answers[0] == {"SKU-TEA-001": 899} and inventory.calls == 1
    clock.now += 10
    await cache.prices(["SKU-POT-001"])
    assert inventory.calls == 1
    clock.now += 0.5
    assert await cache.prices(["SKU-POT-001", "SKU-TEA-001"]) == {
        "SKU-POT-001": 5400,
        "SKU-TEA-001": 899,
    }
    assert inventory.calls == 2


async def test_an_unknown_sku_asks_again_and_stays_unknown() -> None:
    inventory, clock = CountingInventory(), Clock()
    cache = cache_on(inventory, clock)
    await cache.prices(["SKU-TEA-001"])
    assert await cache.prices(["SKU-NEW-001"]) == {}
    inventory.extra = {"SKU-NEW-001": 1234}
    assert await cache.prices(["SKU-NEW-001"]) == {"SKU-NEW-001": 1234}
    assert inventory.calls == 3


async def test_inventory_down_with_no_fresh_prices_is_unavailable() -> None:
    inventory, clock = CountingInventory(), Clock()
    cache = cache_on(inventory, clock)
    inventory.down = True
    with pytest.raises(Unavailable):
        await cache.prices(["SKU-TEA-001"])
    inventory.down = False
    assert await cache.prices(["SKU-TEA-001"]) == {"SKU-TEA-001": 899}


def test_the_shipping_charge_still_follows_the_subtotal(shop) -> None:
    small = shop.body(items=[{"sku": "SKU-TEA-001", "quantity": 1}])
    large = shop.body(items=[{"sku": "SKU-POT-001", "quantity": 1}])
    assert shop.place(small, key="k-small").status_code == 202
    assert shop.place(large, key="k-large").status_code == 202
    assert [request.shipping_cents for request in shop.orders.placed] == [499, 0]
