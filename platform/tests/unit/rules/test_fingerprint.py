"""One canonical request encoding: the fingerprints stored before it moved into homefield still
match, and each fingerprint covers exactly the fields its caller compares."""

import pytest
from homefield.rules import checkout_fingerprint, fingerprint, place_order_fingerprint

TWO_LINES = [("SKU-TEA-001", 2), ("SKU-MUG-001", 1)]


# Computed with the services' own fingerprint code as it stood before the move (storefront's
# OrderRequest.fingerprint, orders' NewOrder.fingerprint): stored rows carry these values.
def test_checkout_fingerprints_stored_before_the_move_still_match() -> None:
    assert (
        checkout_fingerprint(customer_id="cust-42", items=TWO_LINES, payment_token="tok_visa")
        == "a01e85668fc6ae3bcb34479b35f23e2f1804e726fd87102189f51676d936645d"
    )
    assert (
        checkout_fingerprint(
            customer_id="cüst", items=[("SKU-TEA-001", 100)], payment_token="tok_chargeDeclined"
        )
        == "7a311c57298ed8c55624947918abc5fccc22e9a50d4f8a3ff1e37b98ac262e55"
    )


def test_place_order_fingerprints_stored_before_the_move_still_match() -> None:
    assert (
        place_order_fingerprint(
            customer_id="cust-42",
            items=TWO_LINES,
            payment_token="tok_visa",
            shipping_cents=499,
            variant="free-shipping-threshold:treatment",
        )
        == "81480f30f7daebd6a208c8bd5be992dfc99edb474a841fe5700272fa149dd74d"
    )
    assert (
        place_order_fingerprint(
            customer_id="cust-42",
            items=[("SKU-TEA-001", 2)],
            payment_token="tok_visa",
            shipping_cents=0,
            variant="",
        )
        == "060831990d13c69847b4dc60d04aaef13cea54e473f9b71109dad7a1aede23ff"
    )


def checkout(**changes: object) -> str:
    fields: dict[str, object] = {
        "customer_id": "c1",
        "items": TWO_LINES,
        "payment_token": "tok_visa",
    }
    return checkout_fingerprint(**{**fields, **changes})  # type: ignore[arg-type]


def place(**changes: object) -> str:
    fields: dict[str, object] = {
        "customer_id": "c1",
        "items": TWO_LINES,
        "payment_token": "tok_visa",
        "shipping_cents": 0,
        "variant": "",
    }
    return place_order_fingerprint(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change",
    [
        {"customer_id": "c2"},
        {"items": [("SKU-TEA-001", 3), ("SKU-MUG-001", 1)]},
        {"items": list(reversed(TWO_LINES))},
        {"items": TWO_LINES[:1]},
        {"payment_token": "tok_chargeDeclined"},
    ],
)
def test_any_change_a_customer_makes_is_a_different_request(change: dict[str, object]) -> None:
    assert checkout(**change) != checkout()
    assert place(**change) != place()


def test_orders_also_tells_apart_a_different_shipping_charge_or_variant() -> None:
    assert place(shipping_cents=499) != place()
    assert place(variant="free-shipping-threshold:treatment") != place()
    assert place() == place()
    assert checkout() == checkout()


@pytest.mark.parametrize("value", [True, 1.5, None, b"bytes"])
def test_a_value_with_no_canonical_form_is_refused(value: object) -> None:
    with pytest.raises(TypeError, match="no canonical form"):
        fingerprint({"customer_id": value})  # type: ignore[dict-item]
