import pytest
from storefront.settings import LOCAL_DEV_KEY, StorefrontSettings

ROUTES = [
    ("get", "/v1/products"),
    ("post", "/v1/orders"),
    ("get", "/v1/orders/some-order"),
    ("get", "/v1/experiments/free-shipping-threshold/results"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_request_without_a_key_gets_401_json(shop, method, path):
    response = shop.client.request(method, path, json=shop.body())

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header", ["Bearer wrong-key", "Bearer ", "Basic dW5pdC10ZXN0LWtleQ==", "unit-test-key"]
)
def test_a_wrong_key_gets_401_and_places_no_order(shop, header):
    response = shop.client.post(
        "/v1/orders",
        json=shop.body(),
        headers={"Authorization": header, "Idempotency-Key": "k"},
    )

    assert response.status_code == 401
    assert shop.orders.placed == []


def test_the_right_key_is_let_through(shop):
    response = shop.get("/v1/products")

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/info", "/openapi.json"])
def test_operational_endpoints_need_no_key(shop, path):
    assert shop.client.get(path).status_code == 200


def test_the_spec_declares_bearer_auth_and_only_the_public_routes(shop):
    spec = shop.client.get("/openapi.json").json()

    assert set(spec["paths"]) == {
        "/v1/products",
        "/v1/orders",
        "/v1/orders/{order_id}",
        "/v1/experiments/{name}/results",
    }
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_settings_refuse_the_development_key_outside_local(monkeypatch):
    monkeypatch.delenv("HOMEFIELD_ENV", raising=False)
    monkeypatch.delenv("STOREFRONT_API_KEYS", raising=False)

    with pytest.raises(ValueError, match="only allowed with HOMEFIELD_ENV=local"):
        StorefrontSettings()


def test_settings_accept_the_development_key_locally(monkeypatch):
    monkeypatch.setenv("HOMEFIELD_ENV", "local")

    assert StorefrontSettings().api_keys == (LOCAL_DEV_KEY,)


def test_settings_read_a_comma_separated_key_list(monkeypatch):
    monkeypatch.delenv("HOMEFIELD_ENV", raising=False)
    monkeypatch.setenv("STOREFRONT_API_KEYS", "key-one, key-two")

    assert StorefrontSettings().api_keys == ("key-one", "key-two")
