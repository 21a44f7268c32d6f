"""Reading Prometheus: instant queries at a chosen time, for `homefield usage` and `credit`.

A Prometheus that does not answer is a PrometheusDown, which the commands turn into one line;
an answer that is not a vector (a bad query, an error) is a PrometheusError naming the query.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import httpx

LOCAL_PROMETHEUS = "http://127.0.0.1:9090"
QUERY_TIMEOUT_SECONDS = 30.0


class PrometheusDown(Exception):
    """Prometheus did not answer at all."""


class PrometheusError(Exception):
    """Prometheus answered, but not with the vector asked for."""


@dataclass(frozen=True)
class Sample:
    labels: dict[str, str]
    value: float


class Prometheus:
    """The HTTP API of one Prometheus server."""

    def __init__(self, url: str = LOCAL_PROMETHEUS, *, timeout: float = QUERY_TIMEOUT_SECONDS):
        self.url = url.rstrip("/")
        self._timeout = timeout

    def query(self, expr: str, at: datetime) -> list[Sample]:
        """The instant vector of ``expr`` at ``at``; NaN samples are left out."""
        params = {"query": expr, "time": f"{at.timestamp():.3f}"}
        try:
            response = httpx.get(f"{self.url}/api/v1/query", params=params, timeout=self._timeout)
        except httpx.TransportError as exc:
            raise PrometheusDown(f"Prometheus at {self.url} is not answering ({exc})") from None
        try:
            body = response.json()
        except ValueError:
            raise PrometheusError(f"{self.url} answered HTTP {response.status_code}") from None
        if body.get("status") != "success":
            raise PrometheusError(f"query {expr!r} failed: {body.get('error', 'unknown error')}")
        data = body.get("data", {})
        if data.get("resultType") != "vector":
            raise PrometheusError(f"query {expr!r} is not an instant vector")
        samples = [Sample(dict(item["metric"]), float(item["value"][1])) for item in data["result"]]
        return [s for s in samples if not math.isnan(s.value)]

    def by(self, expr: str, at: datetime, *keys: str) -> dict[tuple[str, ...], float]:
        """``query`` keyed by the values of ``keys`` (missing labels read as "")."""
        return {tuple(s.labels.get(key, "") for key in keys): s.value for s in self.query(expr, at)}
