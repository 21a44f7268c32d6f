"""The shipments table in shipping's SQLite database: at most one shipment per order."""

from __future__ import annotations

from homefield.runtime import Transaction

from shipping.domain.shipment import Shipment

_COLUMNS = "shipment_id, order_id, customer_id, tracking_number, dispatched_at"


def has_shipment(tx: Transaction, order_id: str) -> bool:
    row = tx.execute("SELECT 1 FROM shipments WHERE order_id = ?", (order_id,))
    return row.fetchone() is not None


def insert(tx: Transaction, shipment: Shipment) -> None:
    tx.execute(
        f"INSERT INTO shipments ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
        (
            shipment.shipment_id,
            shipment.order_id,
            shipment.customer_id,
            shipment.tracking_number,
            shipment.dispatched_at,
        ),
    )


def get(tx: Transaction, order_id: str) -> Shipment | None:
    row = tx.execute(f"SELECT {_COLUMNS} FROM shipments WHERE order_id = ?", (order_id,))
    found = row.fetchone()
    return None if found is None else Shipment(*(str(value) for value in found))
