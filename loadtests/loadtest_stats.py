"""Figures of a `make loadtest` run: Locust's HTTP stats and the orders' own history.

The Locust scenario (locustfile.py) writes one JSON line per order it saw reach a terminal
state (or give up on): the storefront's GET /v1/orders/{id} body. Placed-to-terminal latency
comes from that body's history timestamps, so it is the shop's own clock, not the poll rate.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

TERMINAL = frozenset({"SHIPPED", "CANCELLED"})
PLACED = "PENDING"
_RUN_TIME = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


class StatsError(ValueError):
    """A run left output that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class OrderTiming:
    order_id: str
    status: str
    placed_at: datetime
    terminal_at: datetime

    @property
    def latency_ms(self) -> float:
        return (self.terminal_at - self.placed_at).total_seconds() * 1000


@dataclass(frozen=True)
class HttpStats:
    requests: int
    failures: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    placed: int


@dataclass(frozen=True)
class Summary:
    duration_s: float
    http: HttpStats
    orders: list[OrderTiming]
    unfinished: int

    @property
    def orders_per_second(self) -> float:
        return len(self.orders) / self.duration_s

    def count(self, status: str) -> int:
        return sum(1 for order in self.orders if order.status == status)

    def latency_ms(self, q: float, status: str | None = None) -> float | None:
        """Placed-to-terminal percentile over all terminal orders, or those ending in ``status``."""
        values = [o.latency_ms for o in self.orders if status is None or o.status == status]
        return percentile(values, q) if values else None

    @property
    def errors(self) -> int:
        return self.http.failures + self.unfinished


def parse_run_time(text: str) -> float:
    """Locust's --run-time (``90``, ``60s``, ``2m``, ``1h30m``) in seconds."""
    match = _RUN_TIME.match(text.strip())
    if not text.strip() or match is None:
        raise StatsError(f"--run-time {text!r}: expected a duration like 60s, 2m or 1h30m")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total <= 0:
        raise StatsError(f"--run-time {text!r}: must be longer than zero")
    return float(total)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def parse_timestamp(text: str) -> datetime:
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return stamp


def order_timing(order: Mapping[str, Any]) -> OrderTiming | None:
    """Placed and terminal times from an order's history; None if it never became terminal."""
    history = order["history"]
    if not history:
        raise ValueError("history is empty")
    placed = next((h for h in history if h["status"] == PLACED), history[0])
    terminal = next((h for h in history if h["status"] in TERMINAL), None)
    if terminal is None:
        return None
    return OrderTiming(
        order_id=str(order["order_id"]),
        status=str(terminal["status"]),
        placed_at=parse_timestamp(placed["at"]),
        terminal_at=parse_timestamp(terminal["at"]),
    )


def read_orders(path: Path) -> tuple[list[OrderTiming], int]:
    """Terminal orders in ``path`` (JSON lines), and how many lines were not terminal."""
    timings: list[OrderTiming] = []
    unfinished = 0
    if not path.exists():
        return timings, unfinished
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                timing = order_timing(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise StatsError(f"{path}:{number}: not an order with a history: {exc}") from None
            if timing is None:
                unfinished += 1
            else:
                timings.append(timing)
    return timings, unfinished


def _number(row: Mapping[str, str], column: str, path: Path) -> float | None:
    if column not in row:
        raise StatsError(f"{path}: no column {column!r}")
    value = (row[column] or "").strip()
    if value in ("", "N/A"):
        return None
    try:
        return float(value)
    except ValueError:
        raise StatsError(f"{path}: column {column!r} is {value!r}, not a number") from None


def read_locust_stats(path: Path, *, place_name: str = "/v1/orders") -> HttpStats:
    """The Aggregated row of Locust's ``<prefix>_stats.csv`` and the count of orders placed."""
    if not path.exists():
        raise StatsError(f"{path}: Locust wrote no stats (did it start?)")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next((row for row in rows if row.get("Name") == "Aggregated"), None)
    if total is None:
        raise StatsError(f"{path}: no Aggregated row")
    place = next(
        (row for row in rows if row.get("Type") == "POST" and row.get("Name") == place_name), None
    )
    placed = 0
    if place is not None:
        requests = _number(place, "Request Count", path) or 0
        placed = int(requests - (_number(place, "Failure Count", path) or 0))
    return HttpStats(
        requests=int(_number(total, "Request Count", path) or 0),
        failures=int(_number(total, "Failure Count", path) or 0),
        p50_ms=_number(total, "50%", path),
        p95_ms=_number(total, "95%", path),
        p99_ms=_number(total, "99%", path),
        placed=placed,
    )


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def render(summary: Summary) -> list[str]:
    http = summary.http
    return [
        f"run time:                     {summary.duration_s:.0f} s",
        f"orders placed (202):          {http.placed}",
        f"orders terminal:              {len(summary.orders)} "
        f"(SHIPPED {summary.count('SHIPPED')}, CANCELLED {summary.count('CANCELLED')})",
        f"orders per second (terminal): {summary.orders_per_second:.1f}",
        f"HTTP requests:                {http.requests}",
        f"HTTP p50 / p95 / p99:         {_ms(http.p50_ms)} / {_ms(http.p95_ms)} / "
        f"{_ms(http.p99_ms)}",
        f"placed -> terminal p50 / p99: {_ms(summary.latency_ms(50))} / "
        f"{_ms(summary.latency_ms(99))}",
        f"placed -> SHIPPED p50 / p99:  {_ms(summary.latency_ms(50, 'SHIPPED'))} / "
        f"{_ms(summary.latency_ms(99, 'SHIPPED'))}",
        f"errors:                       {summary.errors} (failed requests {http.failures}, "
        f"orders not terminal in time {summary.unfinished})",
    ]
