"""The HTTP side of every service: /healthz, /readyz, /metrics, /info, with RED metrics and tracing
for every route (the storefront adds its public API to the same app)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry.trace import SpanKind, Tracer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from homefield.runtime.metrics import Metrics
from homefield.runtime.tracing import context_from_metadata, current_traceparent

Probe = Callable[[], Awaitable[dict[str, bool]]]


def _route_template(request: Request) -> str:
    """The matched route's template (``/v1/orders/{order_id}``), known once routing ran."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def build_ops_app(
    *, metrics: Metrics, tracer: Tracer, readiness: Probe, info: dict[str, Any]
) -> FastAPI:
    """A FastAPI app with the platform's operational endpoints and middleware."""
    app = FastAPI(title=f"{info['service']} service", version=str(info.get("version", "")))

    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        status = 500
        headers = [(k, v) for k, v in request.headers.items() if k == "traceparent"]
        with tracer.start_as_current_span(
            f"{request.method}", context=context_from_metadata(headers), kind=SpanKind.SERVER
        ) as span:
            try:
                response = await call_next(request)
                status = response.status_code
                # W3C Trace Context's response header: a caller can quote the trace it started.
                response.headers["traceresponse"] = current_traceparent()
                return response
            finally:
                route = _route_template(request)
                span.update_name(f"{request.method} {route}")
                metrics.http_requests.labels(request.method, route, str(status)).inc()
                metrics.http_seconds.labels(request.method, route).observe(
                    time.perf_counter() - started
                )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = await readiness()
        ready = all(checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/info", include_in_schema=False)
    async def info_endpoint() -> dict[str, Any]:
        return info

    return app


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the service's lifecycle owns SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class HttpServer:
    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=3,
        )
        self._server = _QuietServer(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> int:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        return int(self._server.servers[0].sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
