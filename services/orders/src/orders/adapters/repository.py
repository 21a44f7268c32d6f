"""Orders' tables: orders, their items and their status history."""

from __future__ import annotations

from homefield.runtime import Transaction
from homefield.runtime.db import utc_now

from orders.domain.model import Item, NewOrder, Order, Reason, Status


def insert(tx: Transaction, order_id: str, new: NewOrder) -> None:
    now = utc_now()
    tx.execute(
        "INSERT INTO orders (order_id, customer_id, idempotency_key, fingerprint, status,"
        " shipping_cents, total_cents, variant, payment_token, created_at)"
        " VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)",
        (
            order_id,
            new.customer_id,
            new.idempotency_key,
            new.fingerprint(),
            new.shipping_cents,
            new.total_cents(),
            new.variant,
            new.payment_token,
            now,
        ),
    )
    tx.executemany(
        "INSERT INTO order_items (order_id, line, sku, quantity, unit_price_cents)"
        " VALUES (?, ?, ?, ?, ?)",
        [(order_id, n, i.sku, i.quantity, i.unit_price_cents) for n, i in enumerate(new.items)],
    )
    tx.execute("INSERT INTO order_history VALUES (?, 0, 'PENDING', ?)", (order_id, now))


def find_by_key(tx: Transaction, key: str) -> tuple[str, str] | None:
    """(order_id, fingerprint) of the order first created with this idempotency key."""
    row = tx.execute(
        "SELECT order_id, fingerprint FROM orders WHERE idempotency_key = ?", (key,)
    ).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def set_status(tx: Transaction, order_id: str, status: Status, reason: Reason) -> None:
    tx.execute(
        "UPDATE orders SET status = ?, reason = ? WHERE order_id = ?", (status, reason, order_id)
    )
    tx.execute(
        "INSERT INTO order_history SELECT ?, COALESCE(MAX(seq), -1) + 1, ?, ?"
        " FROM order_history WHERE order_id = ?",
        (order_id, status, utc_now(), order_id),
    )


def get(tx: Transaction, order_id: str) -> Order | None:
    row = tx.execute(
        "SELECT order_id, customer_id, shipping_cents, total_cents, status, reason, variant,"
        " payment_token, created_at FROM orders WHERE order_id = ?",
        (order_id,),
    ).fetchone()
    if row is None:
        return None
    items = tx.execute(
        "SELECT sku, quantity, unit_price_cents FROM order_items WHERE order_id = ? ORDER BY line",
        (order_id,),
    ).fetchall()
    history = tx.execute(
        "SELECT status, at FROM order_history WHERE order_id = ? ORDER BY seq", (order_id,)
    ).fetchall()
    return Order(
        order_id=row[0],
        customer_id=row[1],
        shipping_cents=row[2],
        total_cents=row[3],
        status=Status(row[4]),
        reason=Reason(row[5]),
        variant=row[6],
        payment_token=row[7],
        created_at=row[8],
        items=[Item(s, q, p) for s, q, p in items],
        history=[(Status(s), at) for s, at in history],
    )
