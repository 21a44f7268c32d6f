"""The seeded stock, and the larger stock a local load run may ask for."""

from pathlib import Path

import pytest
from homefield.runtime.db import Database, open_database
from inventory.adapters.stock import seed_scaled
from inventory.bootstrap import MIGRATIONS
from inventory.domain.catalogue import SEED_CATALOGUE
from inventory.settings import InventorySettings

TEA = next(p for p in SEED_CATALOGUE if p.sku == "SKU-TEA-001")


def open_db(path: Path, scale: int) -> Database:
    db = open_database(
        f"sqlite:///{path}", topic="inventory.v1", migrations=[MIGRATIONS], seed=seed_scaled(scale)
    )
    db.open()
    return db


def available(db: Database, sku: str) -> int:
    row = db.conn.execute("SELECT available FROM products WHERE sku = ?", (sku,)).fetchone()
    return int(row[0])


def sell(db: Database, sku: str, units: int) -> None:
    db.conn.execute("UPDATE products SET available = available - ? WHERE sku = ?", (units, sku))


def test_the_default_seed_never_restocks(tmp_path: Path) -> None:
    db = open_db(tmp_path / "inventory.sqlite3", 1)
    sell(db, TEA.sku, 7)
    db.close()
    again = open_db(tmp_path / "inventory.sqlite3", 1)
    assert available(again, TEA.sku) == TEA.stock - 7


def test_a_scale_seeds_and_tops_up_to_seed_times_scale(tmp_path: Path) -> None:
    db = open_db(tmp_path / "inventory.sqlite3", 1)
    sell(db, TEA.sku, 7)
    db.close()
    scaled = open_db(tmp_path / "inventory.sqlite3", 4)
    assert available(scaled, TEA.sku) == TEA.stock * 4
    assert sum(available(scaled, p.sku) for p in SEED_CATALOGUE) == 4 * sum(
        p.stock for p in SEED_CATALOGUE
    )


def test_a_top_up_never_lowers_stock(tmp_path: Path) -> None:
    db = open_db(tmp_path / "inventory.sqlite3", 10)
    db.close()
    smaller = open_db(tmp_path / "inventory.sqlite3", 2)
    assert available(smaller, TEA.sku) == TEA.stock * 10


def test_a_scale_is_refused_outside_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOMEFIELD_ENV", raising=False)
    monkeypatch.setenv("INVENTORY_SEED_STOCK_SCALE", "5")
    with pytest.raises(ValueError, match="only allowed with HOMEFIELD_ENV=local"):
        InventorySettings()
    monkeypatch.setenv("HOMEFIELD_ENV", "local")
    assert InventorySettings().seed_stock_scale == 5
