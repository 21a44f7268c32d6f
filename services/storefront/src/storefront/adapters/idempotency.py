"""Idempotency keys in storefront's own SQLite: recorded before orders is called, so concurrent
duplicates and retries are recognised even while the first request is still in flight."""

from __future__ import annotations

from dataclasses import dataclass

from homefield.runtime import Transaction
from homefield.runtime.db import Database, utc_now

from storefront.domain.shipping import ShippingOffer


@dataclass(frozen=True)
class Claim:
    fingerprint: str
    order_id: str | None
    # The shipping offer made under this key: every retry sends orders exactly the same request.
    offer: ShippingOffer


# The key was first used with a different request body.
class KeyReused(Exception):
    pass


def find(tx: Transaction, key: str) -> Claim | None:
    row = tx.execute(
        "SELECT fingerprint, order_id, shipping_cents, free_shipping_threshold_cents, variant"
        " FROM idempotency_keys WHERE key = ?",
        (key,),
    ).fetchone()
    if row is None:
        return None
    fingerprint, order_id, shipping, threshold, variant = row
    return Claim(fingerprint, order_id, ShippingOffer(shipping, threshold, variant))


def check(claim: Claim | None, fingerprint: str) -> Claim | None:
    if claim is not None and claim.fingerprint != fingerprint:
        raise KeyReused
    return claim


# Record ``key`` for this body and offer, or return what an earlier request recorded.
def claim(db: Database, key: str, fingerprint: str, offer: ShippingOffer) -> Claim:
    with db.transaction() as tx:
        existing = check(find(tx, key), fingerprint)
        if existing is not None:
            return existing
        tx.execute(
            "INSERT INTO idempotency_keys (key, fingerprint, shipping_cents,"
            " free_shipping_threshold_cents, variant, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                key,
                fingerprint,
                offer.shipping_cents,
                offer.free_shipping_threshold_cents,
                offer.variant,
                utc_now(),
            ),
        )
    return Claim(fingerprint, None, offer)


def record_order(db: Database, key: str, order_id: str) -> None:
    with db.transaction() as tx:
        tx.execute("UPDATE idempotency_keys SET order_id = ? WHERE key = ?", (order_id, key))


# Forget a key whose request created no order, so it can be used again.
def release(db: Database, key: str) -> None:
    with db.transaction() as tx:
        tx.execute("DELETE FROM idempotency_keys WHERE key = ? AND order_id IS NULL", (key,))
