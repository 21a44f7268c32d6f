"""Request fingerprints: one canonical encoding of what was asked for, so that a retry under an
idempotency key is told from a different request the same way everywhere.

The encoding is sorted-key JSON with Python's default separators and ASCII escapes, over strings,
integers and lists of them. It is the encoding both services used before it lived here, so the
fingerprints already stored (storefront's ``idempotency_keys``, orders' ``orders``) still match:
changing it would turn every retry of an earlier request into a 409.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

Canonical = str | int | Sequence["Canonical"] | Mapping[str, "Canonical"]


def _checked(value: object, where: str) -> object:
    # The exact built-in types a request is made of come first: the ABC checks below cost more
    # than the JSON encoding. bool is not int by type(), so it still reaches the refusal.
    kind = type(value)
    if kind is str or kind is int:
        return value
    if kind is dict:
        return _mapping(cast(Mapping[object, object], value), where)
    if kind is list or kind is tuple:
        return _sequence(cast(Sequence[object], value), where)
    if isinstance(value, bool | bytes) or not isinstance(value, str | int | Sequence | Mapping):
        raise TypeError(f"{where}: {type(value).__name__} has no canonical form")
    if isinstance(value, Mapping):
        return _mapping(value, where)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return _sequence(value, where)
    return value


def _mapping(value: Mapping[object, object], where: str) -> dict[str, object]:
    return {str(k): _checked(v, f"{where}.{k}") for k, v in value.items()}


def _sequence(value: Sequence[object], where: str) -> list[object]:
    return [_checked(v, f"{where}[{i}]") for i, v in enumerate(value)]


def fingerprint(fields: Mapping[str, Canonical]) -> str:
    """The sha256 hex digest of the canonical encoding of ``fields``."""
    encoded = json.dumps(_checked(fields, "request"), sort_keys=True)
    return hashlib.sha256(encoded.encode()).hexdigest()


def checkout_fingerprint(
    *, customer_id: str, items: Iterable[tuple[str, int]], payment_token: str
) -> str:
    """What a customer asked the public API for: who, which SKUs in which quantities, which card.

    Storefront compares it under an Idempotency-Key before it prices or places anything.
    """
    return fingerprint(_basket(customer_id, items, payment_token))


def place_order_fingerprint(
    *,
    customer_id: str,
    items: Iterable[tuple[str, int]],
    payment_token: str,
    shipping_cents: int,
    variant: str,
) -> str:
    """What orders was asked to place: the customer's request plus the shipping charge and the
    experiment variant the caller settled on, so a retry must repeat those too."""
    fields = _basket(customer_id, items, payment_token)
    return fingerprint({**fields, "shipping_cents": shipping_cents, "variant": variant})


def _basket(
    customer_id: str, items: Iterable[tuple[str, int]], payment_token: str
) -> dict[str, Canonical]:
    lines: list[Canonical] = [[sku, quantity] for sku, quantity in items]
    return {"customer_id": customer_id, "items": lines, "payment_token": payment_token}
