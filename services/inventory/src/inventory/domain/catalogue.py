"""The seeded catalogue: what the shop sells and how many of each it starts with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeedProduct:
    sku: str
    name: str
    price_cents: int
    stock: int


SEED_CATALOGUE: tuple[SeedProduct, ...] = (
    SeedProduct("SKU-TEA-001", "Assam breakfast tea, 250 g", 899, 500),
    SeedProduct("SKU-TEA-002", "Sencha green tea, 100 g", 1299, 500),
    SeedProduct("SKU-MUG-001", "Stoneware mug", 1450, 300),
    SeedProduct("SKU-POT-001", "Cast iron teapot", 5400, 120),
    SeedProduct("SKU-KTL-001", "Gooseneck kettle", 7900, 80),
    SeedProduct("SKU-INF-001", "Steel infuser", 650, 400),
    SeedProduct("SKU-CUP-001", "Glass cup, pair", 2200, 250),
    SeedProduct("SKU-TRY-001", "Bamboo tea tray", 3400, 60),
    SeedProduct("SKU-SCL-001", "Kitchen scale", 2900, 90),
    SeedProduct("SKU-CAD-001", "Tin caddy", 1100, 350),
    SeedProduct("SKU-LTD-001", "Limited edition teapot", 12500, 5),
    SeedProduct("SKU-GFT-001", "Gift card box", 500, 1000),
)
