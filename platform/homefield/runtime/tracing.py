"""OpenTelemetry tracing: one provider per service, W3C trace context in and out."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from opentelemetry import context as otel_context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased
from opentelemetry.trace import Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_PROPAGATOR = TraceContextTextMapPropagator()


def build_tracer_provider(
    *, service: str, version: str, processors: Iterable[SpanProcessor] = ()
) -> TracerProvider:
    """A provider that exports over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

    With nowhere to send spans, they are not recorded: they still carry trace and span ids (for
    logs and for propagation) but cost next to nothing. A sampled parent is always honoured.
    """
    processors = list(processors)
    exporting = bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
    provider = TracerProvider(
        resource=Resource.create({"service.name": service, "service.version": version}),
        sampler=ParentBased(ALWAYS_ON if exporting or processors else ALWAYS_OFF),
    )
    if exporting:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    for processor in processors:
        provider.add_span_processor(processor)
    return provider


def tracer_for(provider: TracerProvider, service: str) -> Tracer:
    return provider.get_tracer(f"homefield.{service}")


def current_traceparent() -> str:
    """The W3C ``traceparent`` of the current span, or an empty string outside any span."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent", "")


def context_from_traceparent(traceparent: str) -> otel_context.Context:
    return _PROPAGATOR.extract({"traceparent": traceparent} if traceparent else {})


def context_from_metadata(
    metadata: Iterable[tuple[str, str | bytes]] | None,
) -> otel_context.Context:
    carrier: Mapping[str, str] = {
        key: value.decode() if isinstance(value, bytes) else value
        for key, value in (metadata or ())
        if key == "traceparent"
    }
    return _PROPAGATOR.extract(carrier)
