from pathlib import Path

import pytest
from homefield.catalog import Catalog
from homefield.catalog.slo import (
    ConsumerLag,
    EventAvailability,
    GrpcAvailability,
    GrpcLatency,
    HttpAvailability,
    HttpLatency,
)
from homefield.slo.rules import platform_rule_groups, service_rule_groups
from homefield.slo.runbooks import RUNBOOK_BASE_URL, runbook_target
from homefield.slo.sli import error_ratio
from homefield.slo.windows import BURN_RATE_ALERTS, RATIO_WINDOWS, scaled

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(REPO)


def _rules(catalog: Catalog, service: str, scale: int = 1) -> list[dict[str, object]]:
    groups = service_rule_groups(catalog.services[service], scale)
    return [rule for group in groups for rule in group["rules"]]


def test_every_slo_records_its_error_ratio_over_every_window_plus_budget_and_burn(
    catalog: Catalog,
) -> None:
    for name, entry in catalog.services.items():
        rules = _rules(catalog, name)
        for slo in entry.slos.slos:
            recorded = {
                rule["record"]
                for rule in rules
                if "record" in rule and rule["labels"]["slo"] == slo.name  # type: ignore[index]
            }
            assert recorded == {f"slo:sli_error:ratio_rate{w}" for w in RATIO_WINDOWS} | {
                "slo:objective:ratio",
                "slo:error_budget:ratio",
                "slo:error_budget:remaining",
                "slo:current_burn_rate:ratio",
            }


def _clause(factor: str, long: str, short: str) -> str:
    series = 'service="orders",slo="place-order-availability"'
    threshold = f"({factor} * 0.001)"
    return (
        f"(\n  slo:sli_error:ratio_rate{long}{{{series}}} > {threshold}"
        f"\nand\n  slo:sli_error:ratio_rate{short}{{{series}}} > {threshold}\n)"
    )


def test_burn_rates_keep_their_workbook_window_pairs() -> None:
    pairs = [(a.severity, a.factor, a.long_window, a.short_window) for a in BURN_RATE_ALERTS]
    assert pairs == [
        ("page", 14.4, "1h", "5m"),
        ("page", 6, "6h", "30m"),
        ("ticket", 3, "1d", "2h"),
        ("ticket", 1, "3d", "6h"),
    ]


def test_page_and_ticket_alerts_use_the_workbook_burn_rates(catalog: Catalog) -> None:
    alerts = [rule for rule in _rules(catalog, "orders") if "alert" in rule]
    page, ticket = alerts[0], alerts[1]
    assert page["labels"] == {
        "service": "orders",
        "slo": "place-order-availability",
        "team": "checkout",
        "severity": "page",
    }
    assert ticket["labels"]["severity"] == "ticket"  # type: ignore[index]
    assert str(page["expr"]).split("\nor\n") == [
        _clause("14.4", "1h", "5m"),
        _clause("6", "6h", "30m"),
    ]
    assert str(ticket["expr"]).split("\nor\n") == [
        _clause("3", "1d", "2h"),
        _clause("1", "3d", "6h"),
    ]


def test_alerts_carry_the_owning_team_and_a_clickable_runbook_url(catalog: Catalog) -> None:
    alerts = [rule for rule in _rules(catalog, "shipping") if "alert" in rule]
    assert {alert["labels"]["team"] for alert in alerts} == {"fulfillment"}  # type: ignore[index]
    url = alerts[0]["annotations"]["runbook_url"]  # type: ignore[index]
    assert url.startswith(f"{RUNBOOK_BASE_URL}/services/shipping/RUNBOOK.md#")
    assert url.startswith("https://")
    assert runbook_target(url) == ("services/shipping/RUNBOOK.md", "dispatch-availability")


def test_window_scale_shortens_ranges_but_keeps_rule_names(catalog: Catalog) -> None:
    real = _rules(catalog, "payments")
    fast = _rules(catalog, "payments", scale=60)
    assert [rule.get("record") for rule in real] == [rule.get("record") for rule in fast]
    assert "[1h]" in real[2]["expr"] and "[1m]" in fast[2]["expr"]  # type: ignore[operator]
    assert "[30d]" in real[7]["expr"] and "[12h]" in fast[7]["expr"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("window", "scale", "expected"),
    [
        ("30d", 1, "30d"),
        ("30d", 720, "1h"),
        ("5m", 60, "5s"),
        ("5m", 600, "500ms"),
        ("1h", 7, "514286ms"),
    ],
)
def test_scaled_windows_are_valid_prometheus_durations(
    window: str, scale: int, expected: str
) -> None:
    assert scaled(window, scale) == expected


def test_absent_metrics_alert_covers_every_service(catalog: Catalog) -> None:
    rules = platform_rule_groups(catalog)[0]["rules"]
    assert [rule["labels"]["service"] for rule in rules] == sorted(catalog.services)
    orders = next(rule for rule in rules if rule["labels"]["service"] == "orders")
    assert orders["expr"] == 'absent(service_info{service="orders"})'
    assert orders["labels"] == {"service": "orders", "team": "checkout", "severity": "page"}
    experiments = next(rule for rule in rules if rule["labels"]["service"] == "experiments")
    assert experiments["labels"]["severity"] == "ticket"


def test_grpc_availability_does_not_spend_budget_on_client_errors() -> None:
    expr = error_ratio(
        "orders", GrpcAvailability(kind="grpc-availability", method="PlaceOrder"), "5m"
    )
    assert 'grpc_code!~"OK|INVALID_ARGUMENT|NOT_FOUND|ALREADY_EXISTS|FAILED_PRECONDITION"' in expr
    assert expr.endswith(
        'sum(rate(grpc_server_handled_total{service="orders",grpc_method="PlaceOrder"}[5m]))'
    )


def test_each_sli_kind_names_the_documented_metrics() -> None:
    cases = [
        (
            HttpAvailability(kind="http-availability", route="/v1/orders", method="POST"),
            [
                'http_server_requests_total{service="s",route="/v1/orders",method="POST",status_code=~"5.."}'
            ],
        ),
        (
            HttpLatency(kind="http-latency", route="/v1/orders", method="POST", threshold_ms=500),
            [
                'http_server_request_duration_seconds_bucket{service="s",route="/v1/orders",method="POST",le="0.5"}',
                "http_server_request_duration_seconds_count{",
            ],
        ),
        (
            GrpcLatency(kind="grpc-latency", method="Assign", threshold_ms=1000),
            ['grpc_server_handling_seconds_bucket{service="s",grpc_method="Assign",le="1.0"}'],
        ),
        (
            ConsumerLag(kind="consumer-lag", topic="orders.v1", max_lag_seconds=30),
            ['kafka_event_age_seconds_bucket{service="s",topic="orders.v1",le="30.0"}'],
        ),
        (
            EventAvailability(kind="event-availability", handler="capture_payment"),
            [
                'kafka_consume_errors_total{service="s",handler="capture_payment"}',
                'kafka_consumed_messages_total{service="s",handler="capture_payment",outcome="handled"}',
                'kafka_consumed_messages_total{service="s",handler="capture_payment",outcome="dead_lettered"}',
            ],
        ),
    ]
    for sli, parts in cases:
        expr = error_ratio("s", sli, "1h")
        for part in parts:
            assert part in expr, (sli.kind, expr)


def test_event_availability_is_all_bad_when_no_message_was_ever_handled() -> None:
    sli = EventAvailability(kind="event-availability", handler="capture_payment")
    expr = error_ratio("s", sli, "5m")
    handled = (
        'kafka_consumed_messages_total{service="s",handler="capture_payment",outcome="handled"}'
    )
    assert expr.endswith(f"(sum(rate({handled}[5m])) or vector(0)))")
    dead = handled.replace('"handled"', '"dead_lettered"')
    assert f"+ (sum(rate({dead}[5m])) or vector(0))" in expr
