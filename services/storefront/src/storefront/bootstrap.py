"""Storefront's composition root: the public API on the runtime's HTTP app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.experiments.v1.experiments_pb2_grpc import ExperimentServiceStub
from shop.inventory.v1.inventory_pb2_grpc import InventoryServiceStub
from shop.orders.v1.orders_pb2_grpc import OrderServiceStub

from storefront.adapters.prices import PriceCache
from storefront.adapters.upstream import Upstream
from storefront.checkout import Storefront
from storefront.entrypoints.http import mount_api
from storefront.settings import StorefrontSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build(
    settings: StorefrontSettings | None = None,
    *,
    upstream: Upstream | None = None,
    **options: Any,
) -> ServiceApp:
    settings = settings or load_settings(StorefrontSettings)
    app = ServiceApp("storefront", settings, migrations=MIGRATIONS, **options)
    upstream = upstream or Upstream(
        orders=OrderServiceStub(app.channel("shop.orders.v1.OrderService")),
        inventory=InventoryServiceStub(app.channel("shop.inventory.v1.InventoryService")),
        experiments=ExperimentServiceStub(app.channel("shop.experiments.v1.ExperimentService")),
        timeout_seconds=settings.upstream_timeout_seconds,
    )
    prices = PriceCache(upstream, max_age_seconds=settings.price_max_age_seconds)
    store = Storefront(db=app.db, upstream=upstream, prices=prices, api_keys=settings.api_keys)
    mount_api(app.http, store)
    return app
