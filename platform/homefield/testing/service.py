"""Run services in-process for integration tests, on ephemeral ports with isolated topics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from homefield.catalog import Catalog
from homefield.local import admin
from homefield.runtime.service import ServiceApp
from homefield.runtime.settings import settings_env
from homefield.testing.kafka import unique_prefix

__all__ = [
    "create_topics",
    "endpoints_of",
    "eventually",
    "running",
    "service_env",
    "unique_prefix",
]


async def create_topics(bootstrap: str, prefix: str, catalog: Catalog | None = None) -> None:
    """Create every catalog topic (DLQs included) under ``prefix``, with its partitions and
    retention; topics that exist already are kept. Raises TopicError when the broker refuses one.
    """
    plans = admin.catalog_topics(catalog or Catalog.load())
    await admin.create_topics(bootstrap, {prefix + name: plan for name, plan in plans.items()})


def service_env(
    service: str, *, bootstrap: str, prefix: str, data_dir: Path, **settings: object
) -> dict[str, str]:
    """Settings for one service as environment variables (for subprocess tests): ports 0 unless
    ``settings`` (ServiceSettings fields) say otherwise."""
    defaults: dict[str, object] = {"grpc_port": 0, "http_port": 0}
    return settings_env(
        service,
        kafka_bootstrap=bootstrap,
        topic_prefix=prefix,
        database_url=f"sqlite:///{data_dir / f'{service}.sqlite3'}",
        **(defaults | settings),
    )


def endpoints_of(*apps: ServiceApp) -> dict[str, tuple[str, ...]]:
    """The ``endpoints`` setting for a caller of the started ``apps``: each gRPC service they
    provide, at the port it listens on."""
    found: dict[str, tuple[str, ...]] = {}
    for app in apps:
        grpc_spec = app.entry.spec.grpc
        if grpc_spec is None or app.grpc_port is None:
            raise ValueError(f"{app.name} serves no gRPC (or is not started)")
        for api in grpc_spec.provides:
            found[api] = (f"{app.settings.http_host}:{app.grpc_port}",)
    return found


@asynccontextmanager
async def running(*apps: ServiceApp) -> AsyncIterator[tuple[ServiceApp, ...]]:
    """Start ``apps`` in order and stop them in reverse order, whatever happens."""
    started: list[ServiceApp] = []
    try:
        for app in apps:
            await app.start()
            started.append(app)
        yield apps
    finally:
        for app in reversed(started):
            await app.stop()


async def eventually(
    check: Callable[[], Any], *, timeout: float = 20.0, interval: float = 0.05
) -> Any:
    """Poll ``check`` (sync or async) until it returns a truthy value; fail after ``timeout``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {check}")
        await asyncio.sleep(interval)
