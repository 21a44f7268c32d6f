def test_products_list_the_catalogue(shop):
    response = shop.get("/v1/products")

    assert response.status_code == 200
    assert response.json()[0] == {
        "sku": "SKU-CUP-001",
        "name": "Glass cup, pair",
        "price_cents": 2200,
        "available": 250,
    }


def test_an_order_reads_back_with_its_history(shop):
    order_id = shop.place(shop.body()).json()["order_id"]

    response = shop.get(f"/v1/orders/{order_id}")

    assert response.status_code == 200
    order = response.json()
    assert order["order_id"] == order_id
    assert order["status"] == "PENDING"
    assert order["reason"] == ""
    assert order["items"] == [{"sku": "SKU-TEA-001", "quantity": 2, "unit_price_cents": 899}]
    assert order["history"] == [{"status": "PENDING", "at": "2026-11-26T10:00:00.123456Z"}]


def test_an_unknown_order_is_a_404_json(shop):
    response = shop.get("/v1/orders/no-such-order")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_orders_being_down_is_a_503_when_reading(shop):
    shop.orders.down = True

    response = shop.get("/v1/orders/anything")

    assert response.status_code == 503


def test_products_are_a_503_when_inventory_is_down(shop):
    shop.inventory.down = True

    response = shop.get("/v1/products")

    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"


def test_experiment_results_are_served_as_json(shop):
    response = shop.get("/v1/experiments/free-shipping-threshold/results")

    assert response.status_code == 200
    results = response.json()
    control, treatment = results["variants"]
    assert control["conversion"] is None
    assert treatment["conversion"]["ci_low"] == -0.01
    assert treatment["conversion"]["p_value"] is None
    assert results["required_units_per_variant"] == 6500


def test_an_unknown_experiment_is_a_404(shop):
    response = shop.get("/v1/experiments/no-such-test/results")

    assert response.status_code == 404


def test_an_unknown_route_is_a_404_json_error(shop):
    response = shop.get("/v1/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_public_routes_are_counted_by_route_template_for_the_slos(shop):
    shop.place(shop.body())
    shop.get("/v1/orders/no-such-order")

    metrics = shop.client.get("/metrics").text

    assert 'method="POST",route="/v1/orders",status_code="202"' in metrics
    assert 'method="GET",route="/v1/orders/{order_id}",status_code="404"' in metrics


def test_experiment_results_are_a_503_when_experiments_is_down(shop):
    shop.experiments.down = True

    response = shop.get("/v1/experiments/free-shipping-threshold/results")

    assert response.status_code == 503
    assert response.json()["message"] == "experiments is unavailable, retry later"
