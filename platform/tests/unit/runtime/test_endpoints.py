"""The endpoints setting: a caller's callees and their addresses, refused by name when wrong."""

import json

import pytest
from homefield.runtime import ServiceSettings, SettingsError, load_settings, settings_config
from homefield.runtime.endpoints import channel_target, check_endpoints
from homefield.runtime.settings import setting_name, settings_env

INVENTORY = "shop.inventory.v1.InventoryService"


class OrdersLikeSettings(ServiceSettings):
    model_config = settings_config("orders")


class AlertSinkLikeSettings(ServiceSettings):
    model_config = settings_config("alert-sink")


def test_one_address_is_resolved_by_dns_and_replicas_become_one_balanced_target() -> None:
    assert channel_target(["inventory.homefield.svc:50053"]) == (
        "dns:///inventory.homefield.svc:50053"
    )
    assert channel_target(["127.0.0.1:50053", "127.0.0.1:50153"]) == (
        "ipv4:127.0.0.1:50053,127.0.0.1:50153"
    )
    assert channel_target(["[::1]:50053", "[::1]:50153"]) == "ipv6:[::1]:50053,[::1]:50153"


@pytest.mark.parametrize(
    ("addresses", "problem"),
    [
        ([], "no address"),
        (["inventory"], "is not host:port"),
        (["inventory:0"], "is not host:port"),
        (["inventory:70000"], "is not host:port"),
        (["::1:50053"], "must be in brackets"),
        (["in ventory:50053"], "neither an IP address nor a DNS name"),
        (["inventory:50053", "inventory-2:50153"], "must all be IPv4 or all IPv6"),
        (["127.0.0.1:50053", "[::1]:50153"], "must all be IPv4 or all IPv6"),
    ],
)
def test_addresses_that_name_no_reachable_replica_are_refused(
    addresses: list[str], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        channel_target(addresses)


def test_a_key_must_be_a_grpc_service_name() -> None:
    with pytest.raises(ValueError, match="'inventory' is not a gRPC service name"):
        check_endpoints({"inventory": ["127.0.0.1:50053"]})


def test_the_setting_is_read_from_json_in_the_service_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replicas = ["127.0.0.1:50053", "127.0.0.1:50153"]
    monkeypatch.setenv("ORDERS_ENDPOINTS", json.dumps({INVENTORY: replicas}))
    assert load_settings(OrdersLikeSettings).endpoints == {INVENTORY: tuple(replicas)}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('{"shop.inventory.v1.InventoryService": ["inventory"]}', "is not host:port"),
        ('{"shop.inventory.v1.InventoryService": []}', "no address"),
        ('{"shop.inventory.v1.InventoryService": "127.0.0.1:1"}', "valid tuple"),
        ("inventory:50053", "ORDERS_ENDPOINTS: expected JSON (Expecting value"),
    ],
)
def test_a_bad_setting_fails_at_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    monkeypatch.setenv("ORDERS_ENDPOINTS", value)
    with pytest.raises(SettingsError, match="ORDERS_ENDPOINTS") as err:
        load_settings(OrdersLikeSettings)
    assert problem in str(err.value)


def test_variable_names_come_from_the_settings_fields() -> None:
    assert setting_name("orders", "endpoints") == "ORDERS_ENDPOINTS"
    assert setting_name("alert-sink", "http_port") == "ALERT_SINK_HTTP_PORT"
    with pytest.raises(ValueError, match="'endpoint' is not a service setting"):
        setting_name("orders", "endpoint")
    env = settings_env("orders", grpc_port=0, endpoints={INVENTORY: ["127.0.0.1:50053"]})
    assert env == {
        "ORDERS_GRPC_PORT": "0",
        "ORDERS_ENDPOINTS": '{"shop.inventory.v1.InventoryService": ["127.0.0.1:50053"]}',
    }


def test_what_settings_env_writes_the_settings_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "endpoints": {INVENTORY: ("127.0.0.1:50053",)},
        "grpc_port": 5,
        "faults": {"PlaceOrder": {"error_rate": 0.5, "delay_ms": 0}},
        "topic_prefix": "t1.",
        "environment": "local",
    }
    for name, text in settings_env("orders", **values).items():
        monkeypatch.setenv(name, text)
    settings = load_settings(OrdersLikeSettings)
    assert settings.endpoints == values["endpoints"]
    assert (settings.grpc_port, settings.topic_prefix) == (5, "t1.")
    assert settings.faults["PlaceOrder"].error_rate == 0.5
    assert settings.environment == "local"


def test_a_settings_class_reads_the_names_setting_name_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert setting_name("storefront", "environment") == "HOMEFIELD_ENV"  # shop-wide, unprefixed
    monkeypatch.setenv(setting_name("alert-sink", "http_port"), "9097")
    monkeypatch.setenv(setting_name("alert-sink", "environment"), "local")
    monkeypatch.setenv("ORDERS_HTTP_PORT", "1")  # another service's variable is not read
    settings = load_settings(AlertSinkLikeSettings)
    assert (settings.http_port, settings.environment) == (9097, "local")


def test_the_runtime_exports_load_on_first_use_and_all_resolve() -> None:
    import homefield.runtime as runtime

    assert sorted(runtime.__all__) == sorted(runtime._MODULES)
    assert all(getattr(runtime, name) is not None for name in runtime.__all__)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = runtime.Nope  # type: ignore[attr-defined]
