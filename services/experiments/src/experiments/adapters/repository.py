"""The WebLab's tables: exposures, the orders attributed to them and each unit's conversion."""

from __future__ import annotations

from homefield.runtime import Transaction
from homefield.runtime.db import utc_now

from experiments.domain.results import VariantTotals


def record_exposure(tx: Transaction, experiment: str, unit_id: str, variant: str) -> str:
    """Record the unit's first exposure; return the variant it was first exposed to."""
    tx.execute(
        "INSERT INTO exposures (experiment, unit_id, variant, exposed_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (experiment, unit_id, variant, utc_now()),
    )
    row = tx.execute(
        "SELECT variant FROM exposures WHERE experiment = ? AND unit_id = ?",
        (experiment, unit_id),
    ).fetchone()
    return str(row[0])


def experiments_of(tx: Transaction, unit_id: str) -> list[str]:
    rows = tx.execute(
        "SELECT experiment FROM exposures WHERE unit_id = ? ORDER BY experiment", (unit_id,)
    )
    return [str(experiment) for (experiment,) in rows.fetchall()]


def attribute_order(
    tx: Transaction, *, experiment: str, unit_id: str, order_id: str, total_cents: int
) -> bool:
    """Count the order once for the unit in ``experiment``; False if it was already counted."""
    now = utc_now()
    inserted = tx.execute(
        "INSERT INTO attributed_orders"
        " (experiment, order_id, unit_id, total_cents, attributed_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (experiment, order_id, unit_id, total_cents, now),
    )
    if inserted.rowcount == 0:
        return False
    tx.execute(
        "INSERT INTO conversions (experiment, unit_id, converted_at, orders, revenue_cents)"
        " VALUES (?, ?, ?, 1, ?) ON CONFLICT (experiment, unit_id) DO UPDATE SET"
        " orders = conversions.orders + 1,"
        " revenue_cents = conversions.revenue_cents + excluded.revenue_cents",
        (experiment, unit_id, now, total_cents),
    )
    return True


def variant_totals(tx: Transaction, experiment: str) -> dict[str, VariantTotals]:
    """Exposed units, converted units and revenue (sum and sum of squares) per variant."""
    rows = tx.execute(
        "SELECT e.variant, COUNT(*), COUNT(c.unit_id), COALESCE(SUM(c.revenue_cents), 0),"
        " COALESCE(SUM(c.revenue_cents * c.revenue_cents), 0)"
        " FROM exposures AS e LEFT JOIN conversions AS c"
        " ON c.experiment = e.experiment AND c.unit_id = e.unit_id"
        " WHERE e.experiment = ? GROUP BY e.variant",
        (experiment,),
    ).fetchall()
    return {
        str(variant): VariantTotals(int(units), int(converted), int(revenue), int(squares))
        for variant, units, converted, revenue, squares in rows
    }
