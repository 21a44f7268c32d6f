import logging

import pytest
from storefront.domain.shipping import CONTROL_OFFER, ShippingOffer, offer_for_variant

TREATMENT = {"shipping_cents": "499", "free_shipping_threshold_cents": "2500"}


@pytest.mark.parametrize(
    ("offer", "subtotal", "charge"),
    [
        (CONTROL_OFFER, 4999, 499),
        (CONTROL_OFFER, 5000, 0),
        (offer_for_variant("treatment", TREATMENT), 2499, 499),
        (offer_for_variant("treatment", TREATMENT), 2500, 0),
    ],
)
def test_shipping_is_free_from_the_threshold(offer, subtotal, charge):
    assert offer.charge_for(subtotal) == charge


def test_a_variant_offer_names_experiment_and_variant():
    offer = offer_for_variant("treatment", TREATMENT)

    assert offer == ShippingOffer(499, 2500, "free-shipping-threshold:treatment")


@pytest.mark.parametrize(
    "params",
    [
        {"shipping_cents": "499"},
        {"shipping_cents": "cheap", "free_shipping_threshold_cents": "2500"},
        {"shipping_cents": "-1", "free_shipping_threshold_cents": "2500"},
    ],
)
def test_bad_variant_params_are_refused(params):
    with pytest.raises(ValueError, match="shipping|invalid literal"):
        offer_for_variant("treatment", params)


# Three teas: 2697 cents, between the treatment's and control's thresholds.
THREE_TEAS = [{"sku": "SKU-TEA-001", "quantity": 3}]


def test_control_pays_shipping_below_5000(shop):
    order_id = shop.place(shop.body(customer_id="c-1", items=THREE_TEAS)).json()["order_id"]

    order = shop.get(f"/v1/orders/{order_id}").json()

    assert order["variant"] == "free-shipping-threshold:control"
    assert order["shipping_cents"] == 499
    assert order["total_cents"] == 2697 + 499


def test_treatment_ships_free_from_2500(shop):
    order_id = shop.place(shop.body(customer_id="t-1", items=THREE_TEAS)).json()["order_id"]

    order = shop.get(f"/v1/orders/{order_id}").json()

    assert order["variant"] == "free-shipping-threshold:treatment"
    assert order["total_cents"] == 2697


def test_control_ships_free_from_5000(shop):
    body = shop.body(customer_id="c-1", items=[{"sku": "SKU-POT-001", "quantity": 1}])
    order_id = shop.place(body).json()["order_id"]

    assert shop.get(f"/v1/orders/{order_id}").json()["total_cents"] == 5400


def test_the_experiment_being_down_falls_back_to_control_and_says_so(shop, caplog):
    shop.experiments.down = True

    with caplog.at_level(logging.WARNING, logger="storefront.checkout"):
        response = shop.place(shop.body(customer_id="t-1", items=THREE_TEAS))

    assert response.status_code == 202
    placed = shop.orders.placed[0]
    assert placed.shipping_cents == 499
    assert placed.variant == ""
    assert "falling back to control shipping" in caplog.text


def test_a_retry_keeps_the_first_offer_even_if_the_experiment_came_back(shop):
    shop.experiments.down = True
    shop.orders.down = True
    shop.place(shop.body(customer_id="t-1", items=THREE_TEAS))
    shop.experiments.down = False
    shop.orders.down = False

    response = shop.place(shop.body(customer_id="t-1", items=THREE_TEAS))

    assert response.status_code == 202
    assert shop.orders.placed[0].shipping_cents == 499
    assert shop.experiments.assigned == []
