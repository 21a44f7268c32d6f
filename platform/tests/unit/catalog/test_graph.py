"""Downstream dependants follow calls and consumes through the whole graph, cycles included."""

from __future__ import annotations

from homefield.catalog import ServiceSpec
from homefield.catalog.graph import dependants, direct_dependants


def spec(name: str, **fields: object) -> ServiceSpec:
    return ServiceSpec.model_validate({"name": name, "tier": 2, "http": {"port": 8000}, **fields})


SHOP = {
    "inventory": spec(
        "inventory",
        grpc={"port": 50053, "provides": ["shop.inventory.v1.InventoryService"]},
        publishes=[{"topic": "inventory.v1"}],
        consumes=["orders.v1"],
    ),
    "orders": spec(
        "orders",
        publishes=[{"topic": "orders.v1"}],
        calls=["shop.inventory.v1.InventoryService"],
    ),
    "notifications": spec("notifications", consumes=["orders.v1"]),
    "storefront": spec("storefront"),
}


def test_callers_and_consumers_are_direct_dependants():
    assert direct_dependants(SHOP, "inventory") == {"orders"}
    assert direct_dependants(SHOP, "orders") == {"inventory", "notifications"}


def test_dependants_are_transitive_and_a_cycle_ends_where_it_meets():
    assert dependants(SHOP, "inventory") == ["notifications", "orders"]
    assert dependants(SHOP, "storefront") == []
    assert dependants(SHOP, "nosuch") == []
