"""Every HTTP request is counted by its route template and status, in a server span that
continues the caller's trace, and the answer names that span in ``traceresponse``."""

from fastapi.testclient import TestClient
from homefield.runtime.http import build_ops_app
from homefield.runtime.metrics import Metrics
from homefield.runtime.tracing import build_tracer_provider, tracer_for
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

CALLER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


async def ready() -> dict[str, bool]:
    return {"database": True}


def make_client() -> tuple[TestClient, Metrics, InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    provider = build_tracer_provider(
        service="orders", version="1", processors=[SimpleSpanProcessor(spans)]
    )
    metrics = Metrics(service="orders", team="checkout", tier=1, version="1")
    app = build_ops_app(
        metrics=metrics,
        tracer=tracer_for(provider, "orders"),
        readiness=ready,
        info=lambda: {"service": "orders", "version": "1"},
    )

    @app.get("/v1/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        if thing_id == "boom":
            raise RuntimeError("a bug")
        return {"thing": thing_id}

    return TestClient(app, raise_server_exceptions=False), metrics, spans


def count(metrics: Metrics, route: str, status: str) -> float:
    labels = {"method": "GET", "route": route, "status_code": status}
    return metrics.registry.get_sample_value("http_server_requests_total", labels) or 0.0


def test_requests_are_counted_by_template_and_status() -> None:
    client, metrics, _ = make_client()
    for thing in ("a", "b", "boom"):
        client.get(f"/v1/things/{thing}")
    client.get("/nowhere")
    assert count(metrics, "/v1/things/{thing_id}", "200") == 2
    assert count(metrics, "/v1/things/{thing_id}", "500") == 1
    assert count(metrics, "unmatched", "404") == 1
    timed = {"method": "GET", "route": "/v1/things/{thing_id}"}
    assert (
        metrics.registry.get_sample_value("http_server_request_duration_seconds_count", timed) == 3
    )


def test_the_span_continues_the_callers_trace_and_is_named_in_the_answer() -> None:
    client, _, spans = make_client()
    answer = client.get("/v1/things/a", headers={"traceparent": CALLER})
    (span,) = spans.get_finished_spans()
    assert span.name == "GET /v1/things/{thing_id}"
    assert format(span.context.trace_id, "032x") == CALLER.split("-")[1]
    assert span.parent is not None and format(span.parent.span_id, "016x") == CALLER.split("-")[2]
    own = f"00-{span.context.trace_id:032x}-{span.context.span_id:016x}-01"
    assert answer.headers["traceresponse"] == own
    assert answer.json() == {"thing": "a"}
