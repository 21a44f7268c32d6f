"""The outside client of `make loadtest`: wrk (Debian) running orders.lua, and what it recorded.

One wrk thread per connection, so the Lua state of a thread is the state of one connection (see
orders.lua). This module plans what a run may sell, builds the wrk command and reads the records
file the script writes; it never judges the figures.
"""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("orders.lua")
RECORDS_ENV = "HOMEFIELD_WRK_RECORDS"
# A run may sell this share of what is available, so other shoppers (and rounding) never find
# a SKU sold out because of it.
STOCK_MARGIN = 0.95
_DURATION = re.compile(r"^(\d+)(s|m)?$")


class LoadError(Exception):
    """The run cannot happen as asked; the message says what to change."""


@dataclass(frozen=True)
class LoadPlan:
    """What wrk will do: connections, for how long, at what pace, and what it may sell."""

    connections: int
    duration_s: int
    rate: float | None  # orders per second, all connections together; None: no pause
    allowance: Mapping[str, int]

    @property
    def interval_us(self) -> int:
        """Microseconds between two orders of one connection (0 without pacing)."""
        return 0 if self.rate is None else round(self.connections / self.rate * 1_000_000)

    @property
    def most_orders(self) -> int:
        """Orders the stock allows: each thread gets its share of each SKU (orders.lua)."""
        return sum(self.allowance.values())

    @property
    def planned_orders(self) -> int | None:
        """Orders a paced run will place; unknown for fixed concurrency."""
        return None if self.rate is None else math.ceil(self.rate * self.duration_s)

    def describe(self) -> str:
        pace = "no pause between orders" if self.rate is None else f"paced at {self.rate:g}/s"
        return f"{self.connections} connections, {self.duration_s} s, {pace}"


def parse_duration(text: str) -> int:
    """``20``, ``20s`` or ``2m`` in whole seconds, as wrk's -d takes them."""
    match = _DURATION.match(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise LoadError(f"duration {text!r}: expected whole seconds or minutes, e.g. 20s or 2m")
    value = int(match.group(1))
    return value * 60 if match.group(2) == "m" else value


def allowance(available: Mapping[str, int], *, margin: float = STOCK_MARGIN) -> dict[str, int]:
    """Units of each SKU the run may sell: ``margin`` of what is available, in whole units.
    orders.lua shares each SKU's units out among its threads, so they add up to exactly this."""
    allowed = {sku: math.floor(units * margin) for sku, units in available.items()}
    return {sku: units for sku, units in allowed.items() if units > 0}


def check_stock(plan: LoadPlan) -> None:
    """A paced run must have stock for every order it plans; say how to get it if not."""
    planned, usable = plan.planned_orders, plan.most_orders
    if planned is not None and usable < planned:
        scale = math.ceil(planned / max(usable, 1) * 1.2)
        raise LoadError(
            f"the run plans {planned} orders but the shop's stock allows {usable}: restart "
            f"inventory with more (a local setting): .venv/bin/homefield restart inventory "
            f"--env INVENTORY_SEED_STOCK_SCALE={scale}"
        )


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise LoadError("wrk is not installed: run `make setup` (it installs Debian's wrk)")
    return found


def wrk_command(plan: LoadPlan, *, url: str, api_key: str, run_id: str) -> list[str]:
    spec = ",".join(f"{sku}={units}" for sku, units in sorted(plan.allowance.items()))
    threads = str(plan.connections)
    return [
        wrk_binary(),
        "--threads",
        threads,
        "--connections",
        threads,
        "--duration",
        f"{plan.duration_s}s",
        "--timeout",
        "30s",
        "--script",
        str(SCRIPT),
        url,
        "--",
        run_id,
        api_key,
        str(plan.interval_us),
        spec,
        threads,
    ]


@dataclass(frozen=True)
class Response:
    """One POST /v1/orders as wrk saw it (CLOCK_MONOTONIC microseconds)."""

    scheduled_us: int
    started_us: int
    finished_us: int
    status: int
    order_id: str | None

    @property
    def latency_ms(self) -> float:
        """From the order's scheduled time (paced) or its send (fixed concurrency) to the end."""
        return (self.finished_us - min(self.scheduled_us, self.started_us)) / 1000


@dataclass(frozen=True)
class WrkSummary:
    duration_s: float
    requests: int
    socket_errors: int
    timeouts: int


@dataclass(frozen=True)
class WrkOutput:
    responses: list[Response]
    exhausted_threads: int
    summary: WrkSummary

    @property
    def accepted(self) -> list[Response]:
        return [r for r in self.responses if r.status == 202 and r.order_id]

    @property
    def refused(self) -> list[Response]:
        return [r for r in self.responses if r.status != 202]


def parse_records(lines: Iterable[str], *, source: str = "records") -> WrkOutput:
    """Read what orders.lua's done() wrote; LoadError naming the line if it is malformed."""
    responses: list[Response] = []
    exhausted = 0
    summary: WrkSummary | None = None
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        try:
            if not fields:
                continue
            if fields[:2] == ["#", "exhausted"]:
                exhausted += 1
            elif fields[:2] == ["#", "summary"]:
                summary = _summary(fields[2:])
            else:
                responses.append(_response(fields))
        except (ValueError, IndexError):
            raise LoadError(f"{source}:{number}: unexpected line {line.strip()!r}") from None
    if summary is None:
        raise LoadError(f"{source}: no summary line (did wrk finish?)")
    return WrkOutput(responses, exhausted, summary)


def _response(fields: Sequence[str]) -> Response:
    if len(fields) != 5:
        raise ValueError("expected 5 fields")
    scheduled, started, finished, status = (int(value) for value in fields[:4])
    return Response(scheduled, started, finished, status, None if fields[4] == "-" else fields[4])


def _summary(fields: Sequence[str]) -> WrkSummary:
    duration_us, requests, connect, read, write, _status, timeout = (int(f) for f in fields)
    return WrkSummary(duration_us / 1e6, requests, connect + read + write, timeout)


def read_records(path: Path) -> WrkOutput:
    if not path.exists():
        raise LoadError(f"wrk wrote no records to {path} (its output is above)")
    with path.open(encoding="utf-8") as lines:
        return parse_records(lines, source=str(path))
