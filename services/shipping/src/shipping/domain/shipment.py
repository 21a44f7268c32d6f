"""Shipments: one parcel per confirmed order, with the tracking number the customer follows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

# Unambiguous when read aloud or typed: no 0/O or 1/I.
_TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_TRACKING_LENGTH = 12


@dataclass(frozen=True)
class Shipment:
    shipment_id: str
    order_id: str
    customer_id: str
    tracking_number: str
    dispatched_at: str


def new_tracking_number() -> str:
    body = "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(_TRACKING_LENGTH))
    return f"HF{body}"


def new_shipment_id() -> str:
    return "shp_" + secrets.token_hex(12)
