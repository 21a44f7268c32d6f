"""Tracing settings: the exporter and the sampling ratio come from the OTEL_ variables."""

import pytest
from homefield.local.health import free_port
from homefield.runtime import SettingsError
from homefield.runtime.tracing import (
    TracingSettings,
    build_tracer_provider,
    load_tracing_settings,
    tracer_for,
)
from opentelemetry import trace
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags


def exporters(provider: trace.TracerProvider) -> list[object]:
    processors = provider._active_span_processor._span_processors  # type: ignore[attr-defined]
    return [getattr(p, "span_exporter", None) for p in processors]


def test_the_exporter_and_ratio_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "zipkin")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")
    monkeypatch.setenv("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:1/api/v2/spans")
    settings = load_tracing_settings()
    assert (settings.traces_exporter, settings.traces_sampler_arg) == ("zipkin", 0.25)
    provider = build_tracer_provider(service="orders", version="1", settings=settings)
    assert "TraceIdRatioBased{0.25}" in provider.sampler.get_description()
    (exporter,) = exporters(provider)
    assert isinstance(exporter._inner, ZipkinExporter)  # type: ignore[union-attr]
    provider.shutdown()


def test_spans_for_a_zipkin_that_is_down_are_dropped_with_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = free_port()  # nothing listens there
    settings = TracingSettings(
        traces_exporter="zipkin",
        traces_sampler_arg=1.0,
        exporter_zipkin_endpoint=f"http://127.0.0.1:{port}/api/v2/spans",
    )
    provider = build_tracer_provider(service="orders", version="1", settings=settings)
    (exporter,) = exporters(provider)
    tracer = tracer_for(provider, "orders")
    with tracer.start_as_current_span("lost") as span:
        pass
    assert exporter.export([span]) == SpanExportResult.FAILURE  # type: ignore[union-attr]
    assert [r.getMessage() for r in caplog.records if r.name == "homefield.tracing"] == [
        f"spans dropped: ConnectionError at http://127.0.0.1:{port}/api/v2/spans"
    ]
    provider.shutdown()


def test_a_bad_exporter_or_ratio_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "jaeger")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "2")
    with pytest.raises(SettingsError) as raised:
        load_tracing_settings()
    assert "OTEL_TRACES_EXPORTER" in str(raised.value)
    assert "OTEL_TRACES_SAMPLER_ARG" in str(raised.value)


def test_without_an_exporter_new_traces_are_not_recorded_but_sampled_parents_are() -> None:
    provider = build_tracer_provider(service="orders", version="1", settings=TracingSettings())
    tracer = tracer_for(provider, "orders")
    with tracer.start_as_current_span("root") as root:
        assert not root.is_recording()
        assert root.get_span_context().is_valid  # ids still flow into logs and headers
    parent = SpanContext(1, 2, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))
    context = trace.set_span_in_context(NonRecordingSpan(parent))
    with tracer.start_as_current_span("child", context=context) as child:
        assert child.is_recording()


def test_a_ratio_of_zero_still_keeps_a_sampled_saga_whole() -> None:
    spans = InMemorySpanExporter()
    settings = TracingSettings(traces_exporter="zipkin", traces_sampler_arg=0.0)
    provider = build_tracer_provider(service="payments", version="1", settings=settings)
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracer = tracer_for(provider, "payments")
    with tracer.start_as_current_span("new trace"):
        pass
    parent = SpanContext(1, 2, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))
    with tracer.start_as_current_span(
        "handle", context=trace.set_span_in_context(NonRecordingSpan(parent))
    ):
        pass
    assert [span.name for span in spans.get_finished_spans()] == ["handle"]
    provider.shutdown()
