"""Scorecard checks of the platform's defaults, on source text parsed with ast."""

from homefield.catalog.deviations import DEVIABLE_STANDARDS
from homefield.checks.defaults import DEFAULT_CHECKS, ServiceSources

BOOTSTRAP = (
    "from homefield.runtime import ServiceApp\n"
    "def build(settings):\n    return ServiceApp('orders', settings)\n"
)
BOARD = '{"uid": "homefield-orders"}'
SLOS = "slos:\n  - {name: a, objective: 99, sli: {kind: grpc-availability, method: M}}\n"


def _sources(python: dict[str, str], slo: str = SLOS, board: str | None = BOARD) -> ServiceSources:
    return ServiceSources("orders", python, slo, board)


def test_every_deviable_standard_has_a_check() -> None:
    assert set(DEFAULT_CHECKS) == set(DEVIABLE_STANDARDS)


def test_a_service_on_the_platform_passes_every_default() -> None:
    sources = _sources({"services/orders/src/orders/bootstrap.py": BOOTSTRAP})
    assert {name: check(sources) for name, check in DEFAULT_CHECKS.items()} == dict.fromkeys(
        DEFAULT_CHECKS
    )


def test_a_service_not_built_on_the_runtime_fails_it() -> None:
    own = "import grpc\nserver = grpc.aio.server()\n"
    problem = DEFAULT_CHECKS["runtime"](_sources({"services/orders/src/orders/main.py": own}))
    assert problem == "no module under src/ builds on homefield.runtime's ServiceApp"


def test_own_timeouts_settings_and_retry_libraries_are_found() -> None:
    code = (
        "import tenacity\nclass S:\n    upstream_timeout_seconds: float = 5\n"
        "stub.Call(request, timeout=5)\n"
    )
    problem = DEFAULT_CHECKS["retries-timeouts"](_sources({"src/x.py": code}))
    assert problem is not None
    assert "src/x.py:4 passes timeout=" in problem or "src/x.py:3 defines" in problem
    assert "(and 2 more)" in problem


def test_a_hand_made_dashboard_and_foreign_sli_kinds_are_found() -> None:
    sources = _sources({}, slo=SLOS.replace("grpc-availability", "custom-promql"), board="{}")
    assert "custom-promql" in (DEFAULT_CHECKS["sli-kinds"](sources) or "")
    assert "not the dashboard" in (DEFAULT_CHECKS["dashboard"](sources) or "")
    assert "missing" in (DEFAULT_CHECKS["dashboard"](_sources({}, board=None)) or "")
