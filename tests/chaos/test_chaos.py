"""Chaos: one round of every fault of `make chaos` on the shop the system tests share.

Each round runs under outside load, injects its fault at a count of placed orders and ends it at
a count of attempts, so the faults land mid-stream on any machine; then every accepted order is
terminal within 60 s, none is captured twice, stock is the seed minus what shipped, and every
consumer lag and outbox backlog is 0.
"""

from pathlib import Path

import pytest
from chaos_harness.faults import every_fault
from chaos_harness.rounds import run_round
from homefield.catalog import Catalog
from shop_client import ShopClient

pytestmark = pytest.mark.system
ORDERS = 40
FAULTS = every_fault(Catalog.load(Path(__file__)), paused="payments")


@pytest.mark.timeout(900)
@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_orders_survive_the_fault_under_load(shop: ShopClient, fault) -> None:
    number = FAULTS.index(fault) + 1
    result = run_round(shop, fault, number=number, orders=ORDERS)
    print(result.line(len(FAULTS)))  # noqa: T201
    assert result.passed, result.line(len(FAULTS))
