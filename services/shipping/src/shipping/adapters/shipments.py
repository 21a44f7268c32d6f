"""The shipments table in shipping's SQLite database: at most one shipment per order."""

from __future__ import annotations

import sqlite3

from homefield.runtime import Transaction

from shipping.domain.shipment import Shipment

SCHEMA = """
CREATE TABLE IF NOT EXISTS shipments (
    shipment_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL,
    tracking_number TEXT NOT NULL UNIQUE,
    dispatched_at TEXT NOT NULL
);
"""

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


def get(conn: sqlite3.Connection, order_id: str) -> Shipment | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM shipments WHERE order_id = ?", (order_id,))
    found = row.fetchone()
    return None if found is None else Shipment(*(str(value) for value in found))
