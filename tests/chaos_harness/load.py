"""The outside load of a chaos round: a fixed number of orders placed by several workers, which
hold at counts so that a fault lands at a known point of the stream, whatever the machine's
speed (the lesson of a chaos test whose wall-clock assumption failed on a busy machine)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from shop_client import ShopClient, order_body

Count = Callable[["OrderLoad"], bool]
# An order that the shop refuses (a part is down) is retried with its idempotency key.
RETRY_PAUSE_SECONDS = 0.2


class LoadStalled(Exception):
    """The load did not reach a count within its deadline."""


class OrderLoad:
    """Places ``total`` orders on ``workers`` threads; every tenth payment is declined."""

    def __init__(
        self, shop: ShopClient, *, total: int, skus: list[str], run: str, workers: int = 8
    ) -> None:
        self._shop = shop
        self._total = total
        self._skus = skus
        self._run = run
        self._workers = [
            threading.Thread(target=self._work, name=f"load-{i}", daemon=True)
            for i in range(workers)
        ]
        self._cond = threading.Condition()
        self._hold: Count | None = None
        self._next = 0
        self._in_flight = 0
        self._running = 0
        self._stopped = False
        self.attempts = 0
        self.placed: list[str] = []

    def start(self) -> None:
        self._running = len(self._workers)
        for worker in self._workers:
            worker.start()

    def hold_at(self, reached: Count, *, timeout: float) -> None:
        """Stop starting requests once ``reached(self)``; return when none is in flight."""
        with self._cond:
            self._hold = reached
            self._cond.notify_all()
            held = self._cond.wait_for(
                lambda: self._running == 0 or (reached(self) and self._in_flight == 0), timeout
            )
        if not held:
            self.stop()
            raise LoadStalled(
                f"the load did not get there within {timeout:g}s"
                f" ({len(self.placed)} placed, {self.attempts} attempts)"
            )

    def resume(self) -> None:
        with self._cond:
            self._hold = None
            self._cond.notify_all()

    def finish(self, *, timeout: float) -> None:
        """Wait until every order is placed."""
        self.resume()
        with self._cond:
            done = self._cond.wait_for(lambda: self._running == 0, timeout)
        if not done or len(self.placed) < self._total:
            self.stop()
            raise LoadStalled(
                f"{len(self.placed)} of {self._total} orders accepted within {timeout:g}s"
            )

    def stop(self) -> None:
        """Give up: every worker ends after its request in flight."""
        with self._cond:
            self._stopped = True
            self._hold = None
            self._cond.notify_all()

    def _work(self) -> None:
        try:
            while (n := self._take()) is not None:
                self._place(n)
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def _take(self) -> int | None:
        with self._cond:
            if self._stopped or self._next >= self._total:
                return None
            self._next += 1
            return self._next - 1

    def _place(self, n: int) -> None:
        rng = random.Random(f"{self._run}-{n}")
        token = "tok_chargeDeclined" if n % 10 == 0 else "tok_visa"
        body = order_body(sku=rng.choice(self._skus), quantity=1, token=token)
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._hold is None or not self._hold(self))
                if self._stopped:
                    return
                self.attempts += 1
                self._in_flight += 1
            try:
                response = self._shop.place(body, key=f"chaos-{self._run}-{n}")
                order_id = response.json()["order_id"] if response.status_code == 202 else None
            except Exception:  # a part restarting may drop the connection: try again
                order_id = None
            with self._cond:
                self._in_flight -= 1
                if order_id is not None:
                    self.placed.append(order_id)
                self._cond.notify_all()
            if order_id is not None:
                return
            time.sleep(RETRY_PAUSE_SECONDS)


def placed_at_least(count: int) -> Count:
    return lambda load: len(load.placed) >= count


def attempts_at_least(count: int) -> Count:
    return lambda load: load.attempts >= count
