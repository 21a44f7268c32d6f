"""Placing an order through the public API: idempotency, catalogue check, the live shipping
experiment, then orders.PlaceOrder."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from homefield.runtime.db import Database

from storefront.adapters import idempotency
from storefront.adapters.prices import PriceCache
from storefront.adapters.upstream import Rejected, Upstream, UpstreamError
from storefront.domain.orders import OrderRequest, subtotal_cents
from storefront.domain.shipping import CONTROL_OFFER, EXPERIMENT, ShippingOffer, offer_for_variant

log = logging.getLogger("storefront.checkout")


@dataclass(frozen=True)
class Storefront:
    db: Database
    upstream: Upstream
    prices: PriceCache
    api_keys: tuple[str, ...]


# The id of the order this key created, creating it if this is the key's first use.
async def place_order(store: Storefront, *, request: OrderRequest, key: str) -> str:
    fingerprint = request.fingerprint()
    with store.db.read() as tx:
        earlier = idempotency.check(idempotency.find(tx, key), fingerprint)
    if earlier is not None and earlier.order_id is not None:
        return earlier.order_id
    subtotal = subtotal_cents(request, await store.prices.prices(request.skus()))
    offer = earlier.offer if earlier else await shipping_offer(store.upstream, request.customer_id)
    claim = idempotency.claim(store.db, key, fingerprint, offer)
    if claim.order_id is not None:
        return claim.order_id
    try:
        order_id = await store.upstream.place_order(
            request=request,
            key=key,
            shipping_cents=claim.offer.charge_for(subtotal),
            variant=claim.offer.variant,
        )
    except Rejected:
        idempotency.release(store.db, key)
        raise
    idempotency.record_order(store.db, key, order_id)
    return order_id


# The customer's variant of the shipping experiment; control when it cannot be consulted.
async def shipping_offer(upstream: Upstream, customer_id: str) -> ShippingOffer:
    try:
        assignment = await upstream.assign(EXPERIMENT, customer_id)
        return offer_for_variant(assignment.variant, assignment.params)
    except (UpstreamError, ValueError) as exc:
        log.warning(
            "experiment %s unavailable, falling back to control shipping: %s",
            EXPERIMENT,
            exc,
            extra={"experiment": EXPERIMENT},
        )
        return CONTROL_OFFER
