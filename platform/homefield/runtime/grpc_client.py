"""gRPC channels to other services, with RED metrics and trace context on every call."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import grpc
from opentelemetry.trace import SpanKind, Tracer
from prometheus_client import Histogram

from homefield.catalog import Catalog
from homefield.runtime.grpc_server import split_method
from homefield.runtime.metrics import Metrics
from homefield.runtime.settings import endpoint_override
from homefield.runtime.tracing import current_traceparent


class ClientInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    def __init__(self, *, metrics: Metrics, tracer: Tracer) -> None:
        self._metrics = metrics
        self._tracer = tracer
        self._methods: dict[str | bytes, tuple[str, str, Histogram]] = {}

    def _method(self, method: str | bytes) -> tuple[str, str, Histogram]:
        """(span name, method name, latency histogram child) for a method, computed once."""
        found = self._methods.get(method)
        if found is None:
            full = method.decode() if isinstance(method, bytes) else method
            grpc_service, name = split_method(full)
            seconds = self._metrics.grpc_client_seconds.labels(grpc_service, name)
            found = self._methods[method] = (f"{grpc_service}/{name}", name, seconds)
        return found

    async def intercept_unary_unary(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Any],
        client_call_details: grpc.aio.ClientCallDetails,
        request: Any,
    ) -> Any:
        span_name, name, seconds = self._method(client_call_details.method)
        started = time.perf_counter()
        code = grpc.StatusCode.UNKNOWN
        with self._tracer.start_as_current_span(span_name, kind=SpanKind.CLIENT):
            metadata = grpc.aio.Metadata(*(client_call_details.metadata or ()))
            metadata.add("traceparent", current_traceparent())
            details = grpc.aio.ClientCallDetails(
                client_call_details.method,
                client_call_details.timeout,
                metadata,
                client_call_details.credentials,
                client_call_details.wait_for_ready,
            )
            try:
                call = await continuation(details, request)
                response = await call
                code = grpc.StatusCode.OK
                return response
            except grpc.aio.AioRpcError as exc:
                code = exc.code()
                raise
            finally:
                service = span_name.rpartition("/")[0]
                self._metrics.grpc_client_handled.labels(service, name, code.name).inc()
                seconds.observe(time.perf_counter() - started)


def resolve_endpoint(catalog: Catalog, grpc_service: str) -> str:
    """host:port of the provider of ``grpc_service``: HOMEFIELD_ENDPOINT_<SVC> or localhost."""
    provider = catalog.provider_of(grpc_service)
    override = endpoint_override(provider.name)
    if override:
        return override
    assert provider.spec.grpc is not None
    return f"127.0.0.1:{provider.spec.grpc.port}"


def open_channel(target: str, *, metrics: Metrics, tracer: Tracer) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(
        target, interceptors=[ClientInterceptor(metrics=metrics, tracer=tracer)]
    )
