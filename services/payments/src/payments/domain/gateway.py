"""The port payments charges cards through; adapters/card_gateway.py implements it."""

from __future__ import annotations

from typing import Protocol

from payments.domain.model import ChargeResult


class CardGateway(Protocol):
    def charge(self, *, token: str, amount_cents: int, idempotency_key: str) -> ChargeResult:
        """Capture ``amount_cents`` from the card behind ``token``.

        The same ``idempotency_key`` must never move money twice.
        """
        ...
