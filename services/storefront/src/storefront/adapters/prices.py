"""The catalogue's prices, kept in the storefront for a short while instead of asked per order.

The storefront prices an order only to choose its shipping charge (the free-shipping
threshold); orders prices it again from inventory, and that price is what the customer pays. So
one ListProducts call for the whole catalogue serves every order for ``max_age_seconds``: a
price change reaches the shipping decision within that time, the charge never. An unknown SKU
refreshes at once (a product added since), and concurrent orders share one refresh.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection

from storefront.adapters.upstream import Upstream


class PriceCache:
    def __init__(
        self,
        upstream: Upstream,
        *,
        max_age_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._upstream = upstream
        self._max_age = max_age_seconds
        self._clock = clock
        self._prices: dict[str, int] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def prices(self, skus: Collection[str]) -> dict[str, int]:
        """Price of each of ``skus`` the catalogue sells (unknown SKUs are left out)."""
        if self._needs_refresh(skus):
            async with self._lock:  # concurrent orders wait for one refresh, then re-check
                if self._needs_refresh(skus):
                    products = await self._upstream.list_products()
                    self._prices = {p.sku: p.price_cents for p in products}
                    self._fetched_at = self._clock()
        return {sku: self._prices[sku] for sku in skus if sku in self._prices}

    def _needs_refresh(self, skus: Collection[str]) -> bool:
        if self._fetched_at is None or self._clock() - self._fetched_at > self._max_age:
            return True
        return not all(sku in self._prices for sku in skus)
