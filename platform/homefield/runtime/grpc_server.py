"""The gRPC server every service gets: RED metrics, tracing, faults, error mapping, health and
reflection."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio
from grpc_reflection.v1alpha import reflection
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

from homefield.runtime.errors import InjectedFault, ServiceError
from homefield.runtime.faults import FaultInjector
from homefield.runtime.metrics import Metrics
from homefield.runtime.tracing import context_from_metadata

log = logging.getLogger("homefield.grpc")

_RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)

Unary = Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]


def split_method(full_method: str) -> tuple[str, str]:
    """'/shop.orders.v1.OrderService/PlaceOrder' -> (service, method)."""
    service, _, method = full_method.lstrip("/").partition("/")
    return service, method


class ServerInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, *, metrics: Metrics, tracer: Tracer, faults: FaultInjector) -> None:
        self._metrics = metrics
        self._tracer = tracer
        self._faults = faults
        self._wrapped: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        cached = self._wrapped.get(handler_call_details.method)
        if cached is not None:
            return cached
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        grpc_service, method = split_method(handler_call_details.method)
        if grpc_service.startswith("grpc."):
            return handler
        wrapped = grpc.unary_unary_rpc_method_handler(
            self._wrap(cast(Unary, handler.unary_unary), grpc_service, method),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
        self._wrapped[handler_call_details.method] = wrapped  # once per method, not per call
        return wrapped

    def _wrap(self, inner: Unary, grpc_service: str, method: str) -> Unary:
        attributes = {"rpc.system": "grpc", "rpc.service": grpc_service, "rpc.method": method}
        seconds = self._metrics.grpc_server_seconds.labels(grpc_service, method)
        faulty = self._faults.has(method)

        async def call(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            ctx = context_from_metadata(context.invocation_metadata())
            with self._tracer.start_as_current_span(
                f"{grpc_service}/{method}",
                context=ctx,
                kind=SpanKind.SERVER,
                attributes=attributes,
            ) as span:
                try:
                    if faulty:
                        await self._faults.apply(method)
                    return await inner(request, context)
                except ServiceError as exc:
                    code = exc.code
                    await context.abort(code, exc.message)
                except InjectedFault as exc:
                    code = grpc.StatusCode.UNAVAILABLE
                    await context.abort(code, str(exc))
                except grpc.aio.AioRpcError as exc:  # a dependency failed: retryable or not
                    retryable = exc.code() in _RETRYABLE
                    code = grpc.StatusCode.UNAVAILABLE if retryable else grpc.StatusCode.INTERNAL
                    log.warning("dependency call failed", extra={"code": exc.code().name})
                    await context.abort(code, f"dependency failed: {exc.code().name}")
                except grpc.aio.AbortError:
                    code = context.code() or grpc.StatusCode.UNKNOWN
                    raise
                except Exception:  # never leak a stack trace to the caller
                    code = grpc.StatusCode.INTERNAL
                    log.exception("unhandled error in %s/%s", grpc_service, method)
                    span.set_status(Status(StatusCode.ERROR))
                    await context.abort(code, "internal error")
                finally:
                    self._metrics.grpc_server_handled.labels(grpc_service, method, code.name).inc()
                    seconds.observe(time.perf_counter() - started)

        return call


class GrpcServer:
    """A grpc.aio server with the platform interceptor, health checking and reflection."""

    def __init__(self, *, metrics: Metrics, tracer: Tracer, faults: FaultInjector) -> None:
        self.server = grpc.aio.server(
            interceptors=[ServerInterceptor(metrics=metrics, tracer=tracer, faults=faults)]
        )
        self.health = health_aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        self._service_names: list[str] = []

    def add(
        self, register: Callable[[Any, grpc.aio.Server], None], servicer: Any, name: str
    ) -> None:
        """Register ``servicer`` with its generated ``add_*Servicer_to_server`` function."""
        register(servicer, self.server)
        self._service_names.append(name)

    async def start(self, host: str, port: int) -> int:
        names = [*self._service_names, reflection.SERVICE_NAME, "grpc.health.v1.Health"]
        reflection.enable_server_reflection(names, self.server)
        bound = self.server.add_insecure_port(f"{host}:{port}")
        await self.server.start()
        for name in ["", *self._service_names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        return bound

    async def stop(self, grace_seconds: float) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace_seconds)
