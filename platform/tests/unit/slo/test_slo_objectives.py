import pytest
from homefield.catalog import CatalogError, parse_slos
from homefield.catalog.slo import HttpAvailability, HttpLatency
from homefield.slo.sli import error_ratio


def _slo_file(objective: str, sli: str = "{kind: grpc-availability, method: M}") -> str:
    return f"slos:\n  - name: a\n    objective: {objective}\n    sli: {sli}\n"


@pytest.mark.parametrize("objective", ["50", "93", "93.05"])
def test_an_objective_whose_fast_page_could_never_fire_is_rejected(objective: str) -> None:
    with pytest.raises(CatalogError) as err:
        parse_slos(_slo_file(objective), "slo.yaml")
    message = str(err.value)
    assert message.startswith("slo.yaml:3: slos.0.objective:")
    assert f"objective {objective} is too low" in message
    assert "14.4x the error budget" in message and "use more than 93.0556" in message


@pytest.mark.parametrize("objective", ["93.06", "99.9"])
def test_an_objective_the_fast_page_can_reach_is_accepted(objective: str) -> None:
    slos = parse_slos(_slo_file(objective), "slo.yaml")
    assert slos.slos[0].objective == float(objective)


def test_http_slis_match_the_upper_case_method_the_runtime_exports() -> None:
    text = (
        "slos:\n"
        "  - name: a\n    objective: 99\n"
        "    sli: {kind: http-availability, route: /v1/orders, method: post}\n"
        "  - name: b\n    objective: 99\n"
        "    sli: {kind: http-latency, route: /v1/orders, method: Get, threshold_ms: 500}\n"
    )
    availability, latency = (slo.sli for slo in parse_slos(text, "slo.yaml").slos)
    assert isinstance(availability, HttpAvailability) and availability.method == "POST"
    assert isinstance(latency, HttpLatency) and latency.method == "GET"
    assert 'method="POST"' in error_ratio("storefront", availability, "5m")
