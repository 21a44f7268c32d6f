"""gRPC channels to other services, with RED metrics and trace context on every call."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import grpc
from opentelemetry.trace import SpanKind, Tracer
from prometheus_client import Histogram

from homefield.runtime.grpc_server import split_method
from homefield.runtime.metrics import Metrics
from homefield.runtime.tracing import current_traceparent

# Calls spread over every address the target resolves to (every replica), not the first one.
# round_robin reconnects a lost address on its own, with a backoff that grows to 2 minutes by
# default, and fails calls at once while no address is connected; so a callee that restarts
# must be retried soon (the backoff is capped) and a call that finds no replica connected is
# retried within its deadline (UNAVAILABLE, at most 5 attempts). Every method in the shop is
# safe to repeat: reads, and writes made idempotent by a key or a unique row.
RETRY_UNAVAILABLE = {
    "maxAttempts": 5,
    "initialBackoff": "0.2s",
    "maxBackoff": "1s",
    "backoffMultiplier": 2,
    "retryableStatusCodes": ["UNAVAILABLE"],
}
SERVICE_CONFIG = json.dumps(
    {
        "loadBalancingConfig": [{"round_robin": {}}],
        "methodConfig": [{"name": [{}], "retryPolicy": RETRY_UNAVAILABLE}],
    }
)
CHANNEL_OPTIONS = [
    ("grpc.service_config", SERVICE_CONFIG),
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 500),
]


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


def open_channel(target: str, *, metrics: Metrics, tracer: Tracer) -> grpc.aio.Channel:
    """A channel to ``target`` (homefield.runtime.endpoints.channel_target) with metrics and
    trace context on every call, balanced over all its addresses."""
    return grpc.aio.insecure_channel(
        target,
        options=CHANNEL_OPTIONS,
        interceptors=[ClientInterceptor(metrics=metrics, tracer=tracer)],
    )
