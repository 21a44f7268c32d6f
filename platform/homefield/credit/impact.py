"""What happened downstream after a change: SLO budget burnt and p99 latency, a day each side.

The merge time stands in for the deploy time. For each downstream service the day before the
merge is compared with the day after, from the recording rules `make render` writes: the 1-day
error ratio over the error budget (the share of the 30-day budget spent that day) and the p99 of
the served requests. A change after which downstream burns less budget or answers faster is
named as a positive impact. Where Prometheus has no data the figures are None, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import httpx

from homefield.slo.rules import ratio_record
from homefield.slo.windows import SLO_PERIOD, window_ms

WINDOW = "1d"
WINDOW_SECONDS = window_ms(WINDOW) / 1000
_DAY_SHARE = window_ms(WINDOW) / window_ms(SLO_PERIOD)
_LATENCY = ("grpc_server_handling_seconds_bucket", "http_server_request_duration_seconds_bucket")

Vector = list[tuple[dict[str, str], float]]


class PrometheusDown(Exception):
    """Prometheus did not answer, or answered something other than its API promises."""


class Prometheus(Protocol):
    def instant(self, expr: str, at: float) -> Vector: ...


class HttpPrometheus:
    """Instant queries against Prometheus' HTTP API."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def instant(self, expr: str, at: float) -> Vector:
        try:
            response = httpx.get(
                f"{self.url}/api/v1/query",
                params={"query": expr, "time": f"{at:.3f}"},
                timeout=self.timeout,
            )
            body = response.json()
            if body.get("status") != "success":
                raise PrometheusDown(f"Prometheus at {self.url}: {body.get('error', 'failed')}")
            return [(r["metric"], float(r["value"][1])) for r in body["data"]["result"]]
        except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PrometheusDown(f"Prometheus at {self.url} did not answer ({exc})") from None


@dataclass(frozen=True)
class SloImpact:
    """One downstream SLO, the day before the merge and the day after."""

    service: str
    slo: str
    budget_spent_before: float | None  # share of the 30-day error budget spent in that day
    budget_spent_after: float | None
    p99_before_ms: float | None  # the service's p99 over that day
    p99_after_ms: float | None

    @property
    def positive(self) -> list[str]:
        """The positive impacts these figures show, in words; empty when there are none."""
        found: list[str] = []
        before, after = self.budget_spent_before, self.budget_spent_after
        if before is not None and after is not None and after < before:
            found.append(
                f"less budget burnt: {self.service} {self.slo} spent {before:.2%} of its "
                f"30-day budget the day before, {after:.2%} the day after"
            )
        return found


def latency_gain(impacts: list[SloImpact]) -> list[str]:
    """Lower p99 downstream, once per service."""
    seen: dict[str, str] = {}
    for i in impacts:
        if i.p99_before_ms is not None and i.p99_after_ms is not None:
            if i.p99_after_ms < i.p99_before_ms:
                seen[i.service] = (
                    f"lower latency: {i.service} p99 {i.p99_before_ms:.0f} ms the day before, "
                    f"{i.p99_after_ms:.0f} ms the day after"
                )
    return list(seen.values())


class ImpactReader:
    """Downstream SLO figures around merge times, each query asked once."""

    def __init__(self, prometheus: Prometheus, now: datetime) -> None:
        self.prometheus = prometheus
        self.now = now.timestamp()
        self._cache: dict[tuple[str, float], Vector] = {}

    def _query(self, expr: str, at: float) -> Vector:
        key = (expr, at)
        if key not in self._cache:
            self._cache[key] = self.prometheus.instant(expr, at)
        return self._cache[key]

    def around(self, merged_at: datetime, downstream: list[str]) -> list[SloImpact]:
        """Every SLO of ``downstream`` with its figures the day before and the day after."""
        if not downstream:
            return []
        names = "|".join(sorted(downstream))
        merged = merged_at.timestamp()
        after = merged + WINDOW_SECONDS
        budget = {at: self._budget(names, at) for at in (merged, after) if at <= self.now}
        p99 = {at: self._p99(names, at) for at in (merged, after) if at <= self.now}
        keys = sorted({k for found in budget.values() for k in found})
        return [
            SloImpact(
                service,
                slo,
                budget.get(merged, {}).get((service, slo)),
                budget.get(after, {}).get((service, slo)),
                p99.get(merged, {}).get(service),
                p99.get(after, {}).get(service),
            )
            for service, slo in keys
        ]

    def _budget(self, names: str, at: float) -> dict[tuple[str, str], float]:
        expr = (
            f'{ratio_record(WINDOW)}{{service=~"{names}"}}'
            " / on(service, slo) slo:error_budget:ratio"
        )
        found = self._query(expr, at)
        return {(m.get("service", ""), m.get("slo", "")): v * _DAY_SHARE for m, v in found}

    def _p99(self, names: str, at: float) -> dict[str, float]:
        parts = [
            f"histogram_quantile(0.99, sum by (service, le) "
            f'(rate({metric}{{service=~"{names}"}}[{WINDOW}])))'
            for metric in _LATENCY
        ]
        found = self._query(" or ".join(parts), at)
        return {m.get("service", ""): v * 1000 for m, v in found if v == v}
