from __future__ import annotations

from homefield.rules import field_rules
from payments.adapters.card_gateway import CAPTURING_TOKEN, DECLINED_TOKEN, StripeTestGateway
from payments.domain.model import Captured, Declined
from shop.orders.v1 import orders_pb2


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


def test_every_token_orders_accepts_is_one_the_gateway_knows() -> None:
    # orders.proto's payment_token rule is the one list of tokens a customer may send; a token
    # added there that the gateway does not know would reach payments as "invalid_token".
    rules = field_rules(orders_pb2.PlaceOrderRequest.DESCRIPTOR, "payment_token").string
    accepted = list(getattr(rules, "in"))  # "in" is a Python keyword
    assert sorted(accepted) == sorted([CAPTURING_TOKEN, DECLINED_TOKEN])
    gateway = StripeTestGateway()
    for token in accepted:
        result = gateway.charge(token=token, amount_cents=100, idempotency_key="o-1")
        assert result != Declined("invalid_token"), token
