"""The sent-message log in notifications' database: one message per order and kind."""

from __future__ import annotations

from dataclasses import dataclass

from homefield.runtime import Transaction
from homefield.runtime.db import utc_now

from notifications.domain.messages import Notification


@dataclass(frozen=True)
class SentMessage:
    order_id: str
    customer_id: str
    kind: str
    message: str
    sent_at: str


def record(tx: Transaction, notification: Notification) -> bool:
    """Log the message unless this order already had one of this kind; True if it was new."""
    cursor = tx.execute(
        "INSERT INTO notifications (order_id, customer_id, kind, message, sent_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (
            notification.order_id,
            notification.customer_id,
            notification.kind,
            notification.message,
            utc_now(),
        ),
    )
    return cursor.rowcount == 1


def find(
    tx: Transaction, *, order_id: str | None, customer_id: str | None, limit: int
) -> list[SentMessage]:
    clauses: list[str] = []
    params: list[object] = []
    for column, value in (("order_id", order_id), ("customer_id", customer_id)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = " AND ".join(clauses) or "1 = 1"
    rows = tx.execute(
        "SELECT order_id, customer_id, kind, message, sent_at FROM notifications"
        f" WHERE {where} ORDER BY id LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [SentMessage(*(str(value) for value in row)) for row in rows]
