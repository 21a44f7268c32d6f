from __future__ import annotations

from payments.adapters.card_gateway import StripeTestGateway
from payments.domain.model import Captured, Declined


def test_visa_token_captures() -> None:
    result = StripeTestGateway().charge(token="tok_visa", amount_cents=100, idempotency_key="o-1")
    assert isinstance(result, Captured)


def test_same_idempotency_key_returns_the_same_charge() -> None:
    gateway = StripeTestGateway()
    first = gateway.charge(token="tok_visa", amount_cents=100, idempotency_key="o-1")
    again = gateway.charge(token="tok_visa", amount_cents=100, idempotency_key="o-1")
    other = gateway.charge(token="tok_visa", amount_cents=100, idempotency_key="o-2")
    assert first == again
    assert first != other


def test_declined_and_unknown_tokens_give_stripe_reasons() -> None:
    gateway = StripeTestGateway()
    assert gateway.charge(
        token="tok_chargeDeclined", amount_cents=100, idempotency_key="o-1"
    ) == Declined("card_declined")
    assert gateway.charge(token="tok_mastercard", amount_cents=100, idempotency_key="o-1") == (
        Declined("invalid_token")
    )
    assert gateway.charge(token="", amount_cents=100, idempotency_key="o-1") == Declined(
        "invalid_token"
    )


def test_non_positive_amount_is_not_captured() -> None:
    result = StripeTestGateway().charge(token="tok_visa", amount_cents=0, idempotency_key="o-1")
    assert result == Declined("invalid_amount")
