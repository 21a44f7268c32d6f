"""The HTTP side of every service: /healthz, /readyz, /metrics, /info, with RED metrics and tracing
for every route (the storefront adds its public API to the same app)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from opentelemetry.trace import SpanKind, Tracer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homefield.runtime.metrics import Children, Metrics
from homefield.runtime.readiness import Readiness
from homefield.runtime.tracing import context_from_traceparent, current_traceparent

Probe = Callable[[], Awaitable[Readiness]]
# The operational routes every service serves; usage signals leave them out of `requests`.
OPS_ROUTES = ("/healthz", "/readyz", "/metrics", "/info")


class ObserveRequests:
    """RED metrics and a server span for every request (the route template as the label), and
    W3C Trace Context's ``traceresponse`` header on the answer, as a plain ASGI middleware:
    Starlette's ``@app.middleware("http")`` would add a task and a stream to every request."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, tracer: Tracer) -> None:
        self._app = app
        self._tracer = tracer
        self._counted = Children(metrics.http_requests)
        self._timed = Children(metrics.http_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        method: str = scope["method"]
        status = 500
        traceparent = next((v.decode() for k, v in scope["headers"] if k == b"traceparent"), "")
        context = context_from_traceparent(traceparent)

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", ()), (b"traceresponse", _traceresponse())]
                message = {**message, "headers": headers}
            await send(message)

        with self._tracer.start_as_current_span(
            method, context=context, kind=SpanKind.SERVER
        ) as span:
            try:
                await self._app(scope, receive, answer)
            finally:
                route = str(getattr(scope.get("route"), "path", "unmatched"))
                span.update_name(f"{method} {route}")
                self._count(method, route, status, time.perf_counter() - started)

    def _count(self, method: str, route: str, status: int, seconds: float) -> None:
        self._counted(method, route, str(status)).inc()
        self._timed(method, route).observe(seconds)


def _traceresponse() -> bytes:
    """W3C Trace Context's response header: a caller can quote the trace it started."""
    return current_traceparent().encode()


def build_ops_app(
    *, metrics: Metrics, tracer: Tracer, readiness: Probe, info: Callable[[], dict[str, Any]]
) -> FastAPI:
    """A FastAPI app with the platform's operational endpoints and middleware; ``info`` is
    called for each ``/info`` request (who is on call changes while the service runs)."""
    about = info()
    app = FastAPI(title=f"{about['service']} service", version=str(about.get("version", "")))
    app.add_middleware(ObserveRequests, metrics=metrics, tracer=tracer)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        state = await readiness()
        body = {"ready": state.ready, "checks": state.checks, "not_ready": state.reasons}
        return JSONResponse(body, status_code=200 if state.ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/info", include_in_schema=False)
    async def info_endpoint() -> dict[str, Any]:
        state = await readiness()
        return {**info(), "ready": state.ready, "not_ready": state.reasons}

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
            http="httptools",
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
