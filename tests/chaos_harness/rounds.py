"""One chaos round: outside load, a fault at fixed counts of it, then the four invariants."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from homefield.catalog import Catalog
from homefield.local.control import wait_all_healthy
from inventory.domain.catalogue import SEED_CATALOGUE
from shop_client import ShopClient

from chaos_harness.faults import START_TIMEOUT_SECONDS, Fault
from chaos_harness.invariants import (
    SETTLE_SECONDS,
    double_captures,
    lag_and_backlog,
    not_terminal,
    settle,
    stock_problems,
)
from chaos_harness.load import OrderLoad, attempts_at_least, placed_at_least

# Products with stock for many rounds; the limited edition is left to its own race test.
SKUS = [product.sku for product in SEED_CATALOGUE if product.stock >= 60]


@dataclass
class RoundResult:
    number: int
    fault: str
    key: str
    orders: int
    problems: list[str] = field(default_factory=list)
    settled_seconds: float | None = None

    @property
    def passed(self) -> bool:
        return not self.problems

    def line(self, total: int) -> str:
        verdict = "PASS" if self.passed else "FAIL: " + "; ".join(self.problems)
        settled = "-" if self.settled_seconds is None else f"{self.settled_seconds:.1f}s"
        return (
            f"round {self.number}/{total} {self.fault:<22} {self.orders} orders,"
            f" terminal {settled} after recovery: {verdict}"
        )


def load_deadline(orders: int) -> float:
    """How long the load may take: a start of every part, then a second per order."""
    return START_TIMEOUT_SECONDS + orders


def run_round(shop: ShopClient, fault: Fault, *, number: int, orders: int) -> RoundResult:
    """The load places ``orders``; the fault begins at a quarter of them placed and ends after
    another half of attempts (and its minimum time); then every invariant is checked."""
    result = RoundResult(number, fault.name, fault.key, orders)
    load = OrderLoad(shop, total=orders, skus=SKUS, run=f"{time.time_ns()}-{number}")
    load.start()
    try:
        load.hold_at(placed_at_least(orders // 4), timeout=load_deadline(orders))
        began = time.monotonic()
        fault.begin(shop.repo)
        attempts = load.attempts
        load.resume()
        load.hold_at(attempts_at_least(attempts + orders // 2), timeout=load_deadline(orders))
        time.sleep(max(0.0, began + fault.min_seconds - time.monotonic()))
        fault.end(shop.repo)
        load.finish(timeout=load_deadline(orders))
    except Exception as exc:  # the round failed to run: report it as a failed round
        load.stop()
        result.problems.append(f"{type(exc).__name__}: {exc}")
        return result
    check_invariants(shop, load.placed, result)
    return result


def check_invariants(shop: ShopClient, placed: list[str], result: RoundResult) -> None:
    """Every accepted order terminal within SETTLE_SECONDS of the moment every part answers,
    no double capture, stock = seed - shipped, every lag and outbox backlog 0."""
    try:
        wait_all_healthy(root=shop.repo, timeout=START_TIMEOUT_SECONDS)
    except Exception as exc:
        result.problems.append(f"a part does not answer: {exc}")
        return
    start = time.monotonic()
    deadline = start + SETTLE_SECONDS
    open_orders = settle(lambda: not_terminal(shop.data, placed), deadline)
    if open_orders:
        sample = ", ".join(f"{k} {v}" for k, v in list(open_orders.items())[:3])  # type: ignore[attr-defined]
        result.problems.append(f"{len(open_orders)} orders not terminal after 60s ({sample})")  # type: ignore[arg-type]
    else:
        result.settled_seconds = time.monotonic() - start
    left = settle(lambda: _lag_or_error(shop), deadline)
    if left:
        result.problems.append(f"not drained: {left}")
    doubled = double_captures(shop.data)
    if doubled:
        result.problems.append(f"captured twice: {', '.join(doubled[:3])}")
    result.problems += stock_problems(shop)


def _lag_or_error(shop: ShopClient) -> dict[str, object]:
    try:
        return dict(lag_and_backlog(Catalog.load(shop.repo), shop.data))
    except Exception as exc:  # the broker may still be electing leaders: look again
        return {"error": repr(exc)}
