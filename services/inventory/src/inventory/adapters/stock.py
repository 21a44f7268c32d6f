"""Stock and reservation tables in inventory's database."""

from __future__ import annotations

from collections.abc import Callable

from homefield.runtime import Transaction

from inventory.domain.catalogue import SEED_CATALOGUE
from inventory.domain.reservations import Line


def seed(tx: Transaction) -> None:
    """Insert the seeded catalogue once; existing rows keep their stock."""
    tx.executemany(
        "INSERT INTO products (sku, name, price_cents, available) VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [(p.sku, p.name, p.price_cents, p.stock) for p in SEED_CATALOGUE],
    )


def seed_scaled(scale: int) -> Callable[[Transaction], None]:
    """The seed, or with ``scale`` above 1 a restock: every product's available stock is raised
    to at least its seeded stock times ``scale`` (local load runs only; see the settings)."""
    if scale == 1:
        return seed

    def restock(tx: Transaction) -> None:
        tx.executemany(
            "INSERT INTO products (sku, name, price_cents, available) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (sku) DO UPDATE SET available = CASE"
            " WHEN excluded.available > products.available THEN excluded.available"
            " ELSE products.available END",
            [(p.sku, p.name, p.price_cents, p.stock * scale) for p in SEED_CATALOGUE],
        )

    return restock


def available(tx: Transaction, skus: list[str]) -> dict[str, int]:
    marks = ",".join("?" * len(skus))
    rows = tx.execute(f"SELECT sku, available FROM products WHERE sku IN ({marks})", tuple(skus))
    return {sku: int(qty) for sku, qty in rows.fetchall()}


def has_reservation(tx: Transaction, order_id: str) -> bool:
    row = tx.execute("SELECT 1 FROM reservations WHERE order_id = ? LIMIT 1", (order_id,))
    return row.fetchone() is not None


def hold(tx: Transaction, order_id: str, lines: list[Line]) -> None:
    for line in lines:
        tx.execute(
            "UPDATE products SET available = available - ?, reserved = reserved + ? WHERE sku = ?",
            (line.quantity, line.quantity, line.sku),
        )
        tx.execute(
            "INSERT INTO reservations (order_id, sku, quantity, state) VALUES (?, ?, ?, 'held')",
            (order_id, line.sku, line.quantity),
        )


def held_lines(tx: Transaction, order_id: str) -> list[Line]:
    rows = tx.execute(
        "SELECT sku, quantity FROM reservations WHERE order_id = ? AND state = 'held' ORDER BY sku",
        (order_id,),
    )
    return [Line(sku, int(qty)) for sku, qty in rows.fetchall()]


def settle(tx: Transaction, order_id: str, lines: list[Line], *, state: str) -> None:
    """Move held lines to 'released' (stock back on sale) or 'shipped' (stock gone)."""
    back_on_sale = 1 if state == "released" else 0
    for line in lines:
        tx.execute(
            "UPDATE products SET reserved = reserved - ?, available = available + ? * ?"
            " WHERE sku = ?",
            (line.quantity, line.quantity, back_on_sale, line.sku),
        )
    tx.execute(
        "UPDATE reservations SET state = ? WHERE order_id = ? AND state = 'held'", (state, order_id)
    )


def list_products(tx: Transaction, skus: list[str]) -> list[tuple[str, str, int, int, int]]:
    sql = "SELECT sku, name, price_cents, available, reserved FROM products"
    if skus:
        marks = ",".join("?" * len(skus))
        rows = tx.execute(f"{sql} WHERE sku IN ({marks}) ORDER BY sku", tuple(skus))
    else:
        rows = tx.execute(f"{sql} ORDER BY sku")
    return [(str(a), str(b), int(c), int(d), int(e)) for a, b, c, d, e in rows.fetchall()]
