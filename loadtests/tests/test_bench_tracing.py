"""`make bench` traces as `make up` does: the same OTEL_ settings, spans to a stand-in collector."""

import os
from collections.abc import Callable
from types import ModuleType

from homefield.catalog import find_repo_root


def test_the_bench_takes_make_ups_tracing_and_exports_to_a_live_collector(
    load: Callable[[str], ModuleType],
) -> None:
    tracing = load("bench_tracing")
    root = find_repo_root()
    wanted = tracing.make_up_tracing_env(root, "shipping")
    assert wanted["OTEL_TRACES_EXPORTER"] == "zipkin"
    before = os.environ.get(tracing.ENDPOINT)
    with tracing.traced_as_make_up(root, "shipping") as described:
        endpoint = os.environ[tracing.ENDPOINT]
        assert os.environ["OTEL_TRACES_EXPORTER"] == "zipkin"
        assert endpoint != wanted[tracing.ENDPOINT]  # the stand-in, not make up's Zipkin
        import urllib.request

        request = urllib.request.Request(endpoint, data=b"[]", method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 202
    assert "exporter zipkin, new traces sampled at 0.1" in described
    assert os.environ.get(tracing.ENDPOINT) == before
