"""What the console reads over HTTP: Prometheus, Alertmanager and Zipkin, each maybe down.

Every read returns a ``Reading``: the value, or why the source could not answer. A page shows
what it has and says in place which source is down, so one dead backend never blanks a page.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")
Labels = dict[str, str]
Vector = list[tuple[Labels, float]]
Matrix = list[tuple[Labels, list[tuple[float, float | None]]]]
READ_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Reading(Generic[T]):
    """A value read from ``source``, or ``problem`` saying why there is none."""

    source: str
    value: T | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


class SourceDown(Exception):
    """A source did not answer, or answered something other than what its API promises."""


@dataclass(frozen=True)
class Endpoints:
    """Where the console finds the shop's monitoring."""

    prometheus: str
    alertmanager: str
    zipkin: str


async def read(source: str, fetch: Callable[[], Awaitable[T]]) -> Reading[T]:
    """Run ``fetch``; a transport error or a malformed answer becomes a ``problem``."""
    try:
        return Reading(source, await fetch())
    except (httpx.HTTPError, SourceDown, ValueError, KeyError, TypeError) as exc:
        reason = str(exc) or type(exc).__name__
        return Reading(source, problem=f"{source} is down ({reason}); the rest of the page stands")


class Sources:
    """One shared HTTP client for the console's reads."""

    def __init__(self, endpoints: Endpoints, client: httpx.AsyncClient) -> None:
        self.endpoints = endpoints
        self._client = client

    async def _get(self, url: str, params: Any = None) -> Any:
        try:
            response = await self._client.get(url, params=params, timeout=READ_TIMEOUT_SECONDS)
        except httpx.ConnectError:
            raise SourceDown(f"nothing answers at {url.split('/api')[0]}") from None
        except httpx.TimeoutException:
            raise SourceDown(f"no answer within {READ_TIMEOUT_SECONDS:g}s") from None
        if response.status_code != 200:
            raise SourceDown(f"{url} answered {response.status_code}")
        return response.json()

    async def _prometheus(self, path: str, params: dict[str, str]) -> Any:
        body = await self._get(f"{self.endpoints.prometheus}/api/v1/{path}", params)
        if body.get("status") != "success":
            raise SourceDown(str(body.get("error", "query failed")))
        return body["data"]

    async def instant(self, query: str) -> Vector:
        data = await self._prometheus("query", {"query": query})
        return [(dict(item["metric"]), float(item["value"][1])) for item in data["result"]]

    async def range(self, query: str, *, start: int, end: int, step: int) -> Matrix:
        params = {"query": query, "start": str(start), "end": str(end), "step": str(step)}
        data = await self._prometheus("query_range", params)
        return [
            (dict(item["metric"]), [(float(t), sample_value(v)) for t, v in item["values"]])
            for item in data["result"]
        ]

    async def alerts(self) -> list[dict[str, Any]]:
        """Alerts Alertmanager holds that are firing, not silenced and not inhibited."""
        params = {"active": "true", "silenced": "false", "inhibited": "false"}
        body = await self._get(f"{self.endpoints.alertmanager}/api/v2/alerts", params)
        if not isinstance(body, list):
            raise SourceDown("Alertmanager's alert list is not a list")
        return body

    async def dependency_links(self, *, end_ms: int, lookback_ms: int) -> list[dict[str, Any]]:
        """Zipkin's service links, derived from the traces it holds."""
        params = {"endTs": str(end_ms), "lookback": str(lookback_ms)}
        body = await self._get(f"{self.endpoints.zipkin}/api/v2/dependencies", params)
        if not isinstance(body, list):
            raise SourceDown("Zipkin's dependency list is not a list")
        return body

    def traces_url(self, service: str) -> str:
        """Zipkin's UI, searching the last hour of traces that touch ``service``."""
        return f"{self.endpoints.zipkin}/zipkin/?serviceName={service}&lookback=1h"


def sample_value(value: str) -> float | None:
    """A sample as JSON can carry it: Prometheus writes 0/0 as NaN and x/0 as +Inf, a gap."""
    number = float(value)
    return number if math.isfinite(number) else None


async def gather_readings(*reads: Awaitable[Reading[Any]]) -> list[Reading[Any]]:
    return list(await asyncio.gather(*reads))
