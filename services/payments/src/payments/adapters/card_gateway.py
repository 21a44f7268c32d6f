"""A card gateway that follows Stripe's test tokens, so the shop runs without a real processor.

``tok_visa`` captures; ``tok_chargeDeclined`` is declined as ``card_declined``; any other token
is declined as ``invalid_token``. Like Stripe, it refuses to capture a non-positive amount
(``invalid_amount``). Charge ids derive from the idempotency key, so retrying a
charge with the same key returns the same charge, as Stripe's ``Idempotency-Key`` does.
"""

from __future__ import annotations

import uuid

from payments.domain.model import Captured, ChargeResult, Declined

CAPTURING_TOKEN = "tok_visa"
DECLINED_TOKEN = "tok_chargeDeclined"
_CHARGE_NAMESPACE = uuid.UUID("5d2f0b8e-7a4c-4e51-9a0e-3c1f6b2d9e47")


class StripeTestGateway:
    def charge(self, *, token: str, amount_cents: int, idempotency_key: str) -> ChargeResult:
        if token == DECLINED_TOKEN:
            return Declined(reason="card_declined")
        if token != CAPTURING_TOKEN:
            return Declined(reason="invalid_token")
        if amount_cents <= 0:
            return Declined(reason="invalid_amount")
        return Captured(charge_id=self.charge_id(idempotency_key))

    @staticmethod
    def charge_id(idempotency_key: str) -> str:
        return "ch_" + uuid.uuid5(_CHARGE_NAMESPACE, idempotency_key).hex
