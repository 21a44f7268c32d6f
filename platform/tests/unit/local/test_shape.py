"""The shop's local shape: SQLite with one process per service by default, PostgreSQL and
replicas when asked, shapes that cannot run refused, and status and down following up."""

import json
from pathlib import Path

import pytest
from homefield.catalog import Catalog
from homefield.local.parts import StackLayout, plan_parts
from homefield.local.shape import ShapeError, StackShape

REPO = Path(__file__).resolve().parents[4]


def _layout(tmp_path: Path, shape: StackShape) -> StackLayout:
    return StackLayout(root=tmp_path, python=Path("python"), shape=shape)


def test_the_default_shop_is_sqlite_with_one_process_per_service(tmp_path: Path) -> None:
    catalog = Catalog.load(REPO)
    parts = plan_parts(_layout(tmp_path, StackShape()), catalog)
    names = [part.name for part in parts]
    assert "postgres" not in names
    assert set(catalog.services) <= set(names) and not any(n.endswith("-2") for n in names)
    orders = next(part for part in parts if part.name == "orders")
    assert orders.env["ORDERS_DATABASE_URL"] == f"sqlite:///{tmp_path}/.run/data/orders.sqlite3"


def test_postgres_with_two_replicas_doubles_every_consuming_service(tmp_path: Path) -> None:
    catalog = Catalog.load(REPO)
    parts = {p.name: p for p in plan_parts(_layout(tmp_path, StackShape("postgres", 2)), catalog)}
    names = list(parts)
    assert names.index("postgres") < names.index("orders")
    consuming = {name for name, entry in catalog.services.items() if entry.spec.consumes}
    assert {f"{name}-2" for name in consuming} <= set(parts)
    assert "storefront-2" not in parts
    assert parts["inventory-2"].ports == (50153, 8183)
    assert parts["inventory-2"].env["INVENTORY_GRPC_PORT"] == "50153"
    url = "postgresql://postgres@127.0.0.1:5432/inventory"
    assert parts["inventory"].env["INVENTORY_DATABASE_URL"] == url
    assert parts["inventory-2"].env["INVENTORY_DATABASE_URL"] == url
    inventory_api = "shop.inventory.v1.InventoryService"
    both = ["127.0.0.1:50053", "127.0.0.1:50153"]
    assert json.loads(parts["orders-2"].env["ORDERS_ENDPOINTS"])[inventory_api] == both
    assert json.loads(parts["storefront"].env["STOREFRONT_ENDPOINTS"])[inventory_api] == both
    one = {p.name: p for p in plan_parts(_layout(tmp_path, StackShape()), catalog)}
    assert json.loads(one["orders"].env["ORDERS_ENDPOINTS"])[inventory_api] == both[:1]
    every_port = [port for part in parts.values() for port in part.ports]
    assert len(every_port) == len(set(every_port))


@pytest.mark.parametrize(
    ("store", "replicas", "problem"),
    [
        ("sqlite", 2, "replicas need a shared store"),
        ("mysql", 1, "store must be one of sqlite, postgres"),
        ("postgres", 0, "replicas must be 1..3"),
        ("postgres", 9, "replicas must be 1..3"),
    ],
)
def test_shapes_that_cannot_run_are_refused(store: str, replicas: int, problem: str) -> None:
    with pytest.raises(ShapeError, match=problem):
        StackShape(store, replicas)  # type: ignore[arg-type]


def test_status_and_down_see_the_shape_up_recorded(tmp_path: Path) -> None:
    assert StackShape.load(tmp_path) == StackShape()
    StackShape("postgres", 2).save(tmp_path)
    assert StackShape.load(tmp_path) == StackShape("postgres", 2)
    (tmp_path / "stack.json").write_text('{"store": "postgres", "replicas": "many"}')
    with pytest.raises(ShapeError, match="stack.json: unreadable"):
        StackShape.load(tmp_path)
