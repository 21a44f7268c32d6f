"""A service reads only its own catalog files and its team, and /info is computed per request."""

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from homefield.catalog import Catalog, CatalogError
from homefield.runtime import ServiceApp, ServiceSettings, SettingsError
from homefield.runtime.http import build_ops_app
from homefield.runtime.info import ServiceInfo
from homefield.runtime.readiness import Readiness

REPO = Path(__file__).resolve().parents[4]
INVENTORY = "shop.inventory.v1.InventoryService"


def scratch_catalog(root: Path, *services: str) -> Path:
    """teams.yaml, the root OWNERS and the catalog files of ``services``, copied from the repo."""
    root.mkdir()
    for name in ("teams.yaml", "OWNERS"):
        shutil.copy2(REPO / name, root / name)
    for service in services:
        (root / "services" / service).mkdir(parents=True)
        for name in ("service.yaml", "OWNERS", "slo.yaml"):
            shutil.copy2(REPO / "services" / service / name, root / "services" / service / name)
    return root


def orders_settings(tmp_path: Path, **values: object) -> ServiceSettings:
    return ServiceSettings(database_url=f"sqlite:///{tmp_path / 'orders.sqlite3'}", **values)  # type: ignore[arg-type]


async def test_a_broken_slo_file_of_another_service_does_not_stop_orders(tmp_path: Path) -> None:
    root = scratch_catalog(tmp_path / "repo", "orders", "inventory", "experiments")
    (root / "services/experiments/slo.yaml").write_text("slos: [{name: 7}]\n")
    with pytest.raises(CatalogError, match="experiments/slo.yaml"):
        _ = Catalog.load(root).services  # the whole catalog is broken...
    settings = orders_settings(tmp_path, endpoints={INVENTORY: ("127.0.0.1:50053",)})
    app = ServiceApp("orders", settings, catalog=Catalog.load(root))  # ...orders is not
    assert app.channel(INVENTORY) is not None
    assert TestClient(app.http).get("/info").json()["team"] == "checkout"


async def test_its_own_broken_file_still_stops_it(tmp_path: Path) -> None:
    root = scratch_catalog(tmp_path / "repo", "orders")
    (root / "services/orders/slo.yaml").write_text("slos: [{name: 7}]\n")
    with pytest.raises(CatalogError, match="orders/slo.yaml"):
        ServiceApp("orders", orders_settings(tmp_path), catalog=Catalog.load(root))


async def test_a_callee_without_an_address_or_an_address_for_no_callee_is_refused(
    tmp_path: Path,
) -> None:
    catalog = Catalog.load(scratch_catalog(tmp_path / "repo", "orders"))
    app = ServiceApp("orders", orders_settings(tmp_path), catalog=catalog)
    with pytest.raises(SettingsError, match=f"ORDERS_ENDPOINTS gives no address for {INVENTORY}"):
        app.channel(INVENTORY)
    stray = {"shop.orders.v1.OrderService": ("127.0.0.1:1",)}
    with pytest.raises(SettingsError, match="shop.orders.v1.OrderService not in service.yaml"):
        ServiceApp("orders", orders_settings(tmp_path, endpoints=stray), catalog=catalog)


async def test_info_names_who_is_on_call_now_not_at_start(tmp_path: Path) -> None:
    catalog = Catalog.load(scratch_catalog(tmp_path / "repo", "orders"))
    entry = catalog.load_service(catalog.root / "services" / "orders")
    team = catalog.teams.teams[entry.team]
    assert len(set(team.oncall)) > 1  # the rota has someone else next week
    now = [datetime(2026, 3, 2, 9, tzinfo=UTC)]
    info = ServiceInfo(entry, catalog.teams, version="1.2.3", clock=lambda: now[0])
    app = build_ops_app(metrics=_metrics(), tracer=_tracer(), readiness=_ready, info=info)
    client = TestClient(app)
    first = client.get("/info").json()
    now[0] += timedelta(weeks=1)
    second = client.get("/info").json()
    assert first["oncall"]["id"] == team.oncall_at(datetime(2026, 3, 2, tzinfo=UTC))
    assert second["oncall"]["id"] == team.oncall_at(datetime(2026, 3, 9, tzinfo=UTC))
    assert first["oncall"]["id"] != second["oncall"]["id"]
    assert (second["service"], second["version"], second["channel"]) == (
        "orders",
        "1.2.3",
        team.channel,
    )


async def _ready() -> Readiness:
    return Readiness({"accepting": None})


def _metrics():  # type: ignore[no-untyped-def]
    from homefield.runtime.metrics import Metrics

    return Metrics(service="orders", team="checkout", tier=1, version="1.2.3")


def _tracer():  # type: ignore[no-untyped-def]
    from homefield.runtime.tracing import build_tracer_provider, tracer_for

    return tracer_for(build_tracer_provider(service="orders", version="1.2.3"), "orders")
