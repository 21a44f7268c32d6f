"""The payments table (one row per order) and the charges ledger in payments' SQLite database."""

from __future__ import annotations

from homefield.runtime import Transaction
from homefield.runtime.db import utc_now

from payments.domain.model import Payment, PaymentStatus


def has_payment(tx: Transaction, order_id: str) -> bool:
    row = tx.execute("SELECT 1 FROM payments WHERE order_id = ?", (order_id,))
    return row.fetchone() is not None


def record_payment(
    tx: Transaction,
    *,
    payment_id: str,
    order_id: str,
    customer_id: str,
    amount_cents: int,
    status: PaymentStatus,
    decline_reason: str = "",
) -> None:
    tx.execute(
        "INSERT INTO payments (payment_id, order_id, customer_id, amount_cents, status,"
        " decline_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (payment_id, order_id, customer_id, amount_cents, status, decline_reason, utc_now()),
    )


def record_charge(tx: Transaction, *, charge_id: str, order_id: str, amount_cents: int) -> None:
    tx.execute(
        "INSERT INTO charges (charge_id, order_id, amount_cents, captured_at) VALUES (?, ?, ?, ?)",
        (charge_id, order_id, amount_cents, utc_now()),
    )


def get_payment(tx: Transaction, order_id: str) -> Payment | None:
    row = tx.execute(
        "SELECT p.payment_id, p.order_id, p.amount_cents, p.status, p.decline_reason,"
        " (SELECT COUNT(*) FROM charges c WHERE c.order_id = p.order_id)"
        " FROM payments p WHERE p.order_id = ?",
        (order_id,),
    ).fetchone()
    if row is None:
        return None
    payment_id, order, amount, status, reason, captures = row
    return Payment(
        payment_id=str(payment_id),
        order_id=str(order),
        amount_cents=int(amount),
        status=PaymentStatus(status),
        decline_reason=str(reason),
        capture_count=int(captures),
    )
