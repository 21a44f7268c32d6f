"""OpenTelemetry tracing: one provider per service, W3C trace context in and out.

Where spans go is configuration, read from the OpenTelemetry variables every SDK knows:
``OTEL_TRACES_EXPORTER`` (``zipkin`` locally, ``otlp`` on Kubernetes, ``none`` by default) and
``OTEL_TRACES_SAMPLER_ARG`` (the share of new traces to keep). Sampling is parent-based, so a
trace kept at the storefront is kept in every service its saga reaches.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from opentelemetry import context as otel_context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    TraceIdRatioBased,
)
from opentelemetry.trace import Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from homefield.runtime.settings import load_settings

_PROPAGATOR = TraceContextTextMapPropagator()
log = logging.getLogger("homefield.tracing")
ZIPKIN_SPANS_URL = "http://127.0.0.1:9411/api/v2/spans"
DEFAULT_SAMPLE_RATIO = 0.1


class TracingSettings(BaseSettings):
    """The shop-wide tracing settings, under the standard ``OTEL_`` names."""

    model_config = SettingsConfigDict(env_prefix="OTEL_", extra="ignore", frozen=True)

    traces_exporter: Literal["none", "zipkin", "otlp"] = "none"
    # Share of new traces (those with no sampled parent) that are recorded, 0 to 1.
    traces_sampler_arg: float = Field(default=DEFAULT_SAMPLE_RATIO, ge=0.0, le=1.0)
    exporter_zipkin_endpoint: str = Field(default=ZIPKIN_SPANS_URL, pattern=r"^https?://\S+$")
    # OTEL_EXPORTER_OTLP_ENDPOINT is read by the OTLP exporter itself.


def load_tracing_settings() -> TracingSettings:
    """The tracing settings from the environment; SettingsError names a bad variable."""
    return load_settings(TracingSettings)


class _ZipkinDownIsOneLine(SpanExporter):
    """The Zipkin exporter lets a refused connection escape, which the SDK logs as a traceback
    per batch. Zipkin starting later or restarting is routine: one warning line instead."""

    def __init__(self, inner: SpanExporter, endpoint: str) -> None:
        self._inner = inner
        self._endpoint = endpoint

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        import requests

        try:
            return self._inner.export(spans)
        except requests.RequestException as exc:
            reason = type(exc).__name__
            log.warning("spans dropped: %s at %s", reason, self._endpoint)
            return SpanExportResult.FAILURE

    def shutdown(self) -> None:
        self._inner.shutdown()


def _exporter(settings: TracingSettings) -> SpanExporter | None:
    if settings.traces_exporter == "zipkin":
        from opentelemetry.exporter.zipkin.json import ZipkinExporter

        endpoint = settings.exporter_zipkin_endpoint
        return _ZipkinDownIsOneLine(ZipkinExporter(endpoint=endpoint), endpoint)
    if settings.traces_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    return None


def build_tracer_provider(
    *,
    service: str,
    version: str,
    processors: Iterable[SpanProcessor] = (),
    settings: TracingSettings | None = None,
) -> TracerProvider:
    """A provider that exports as ``settings`` say (read from the environment when omitted).

    New traces are sampled at ``traces_sampler_arg`` when an exporter is set; a sampled parent
    is always honoured. With nowhere to send spans, new traces are not recorded: spans still
    carry trace and span ids (for logs and propagation) but cost next to nothing. A test's own
    ``processors`` see every span.
    """
    settings = settings or load_tracing_settings()
    processors = list(processors)
    exporter = _exporter(settings)
    root: Sampler
    if exporter is not None:
        root = TraceIdRatioBased(settings.traces_sampler_arg)
    else:
        root = ALWAYS_ON if processors else ALWAYS_OFF
    provider = TracerProvider(
        resource=Resource.create({"service.name": service, "service.version": version}),
        sampler=ParentBased(root),
    )
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
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


def traceparent_of(context: otel_context.Context) -> str:
    """The W3C ``traceparent`` of the span in ``context``."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context=context)
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
