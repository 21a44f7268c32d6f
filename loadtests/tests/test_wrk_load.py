"""The outside client: the plan, wrk's command, the records, and orders.lua run by real wrk
against a stand-in storefront."""

import os
import subprocess
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

API_KEY = "local-dev-key"
StandIn = Any


@pytest.fixture
def wrk(load: ModuleType) -> ModuleType:
    return load("wrk_load")


def run_wrk(wrk: ModuleType, plan: object, url: str, tmp_path: Path) -> object:
    records = tmp_path / "records.txt"
    command = wrk.wrk_command(plan, url=url, api_key=API_KEY, run_id="run1")
    env = {**os.environ, wrk.RECORDS_ENV: str(records)}
    subprocess.run(command, env=env, check=True, capture_output=True)
    return wrk.read_records(records)


def test_durations_are_whole_seconds_or_minutes(wrk: ModuleType) -> None:
    assert wrk.parse_duration("20s") == 20
    assert wrk.parse_duration("2m") == 120
    assert wrk.parse_duration("15") == 15
    for bad in ("0s", "1.5s", "10h", ""):
        with pytest.raises(wrk.LoadError, match="expected whole seconds or minutes"):
            wrk.parse_duration(bad)


def test_a_run_may_sell_a_margin_of_each_skus_stock(wrk: ModuleType) -> None:
    assert wrk.allowance({"A": 100, "B": 1, "C": 0}) == {"A": 95}
    assert wrk.allowance({"A": 100}, margin=1.0) == {"A": 100}


def test_a_paced_run_without_stock_for_every_order_says_how_to_restock(wrk: ModuleType) -> None:
    short = wrk.LoadPlan(8, 20, 100.0, {"A": 1000})
    with pytest.raises(wrk.LoadError, match="plans 2000 orders but the shop's stock allows 1000"):
        wrk.check_stock(short)
    with pytest.raises(wrk.LoadError, match="INVENTORY_SEED_STOCK_SCALE=3"):
        wrk.check_stock(short)
    wrk.check_stock(wrk.LoadPlan(8, 20, 50.0, {"A": 1000}))
    wrk.check_stock(wrk.LoadPlan(8, 20, None, {"A": 10}))  # fixed concurrency: capped by wrk


def test_pacing_spreads_the_rate_over_the_connections(wrk: ModuleType) -> None:
    assert wrk.LoadPlan(32, 20, 100.0, {}).interval_us == 320_000
    assert wrk.LoadPlan(32, 20, None, {}).interval_us == 0


def test_records_are_read_with_their_summary(wrk: ModuleType) -> None:
    output = wrk.parse_records(
        [
            "1000 1000 21000 202 o-1\n",
            "5000 9000 30000 202 o-2\n",
            "7000 7000 8000 422 -\n",
            "# exhausted 3\n",
            "# summary 2000000 3 0 1 0 1 0\n",
        ]
    )
    assert [r.order_id for r in output.accepted] == ["o-1", "o-2"]
    assert [r.status for r in output.refused] == [422]
    assert output.responses[1].latency_ms == 25.0  # sent late: counted from its schedule
    assert output.exhausted_threads == 1
    assert (output.summary.duration_s, output.summary.socket_errors) == (2.0, 1)


def test_a_malformed_record_names_its_line(wrk: ModuleType) -> None:
    with pytest.raises(wrk.LoadError, match=r"records:2: unexpected line '1 2 x'"):
        wrk.parse_records(["1 2 3 202 o\n", "1 2 x\n"])
    with pytest.raises(wrk.LoadError, match="no summary line"):
        wrk.parse_records(["1 2 3 202 o\n"])


def test_wrk_sells_exactly_the_allowance_with_a_new_key_and_customer_per_order(
    wrk: ModuleType, standin: tuple[str, type[StandIn]], tmp_path: Path
) -> None:
    url, shop = standin
    plan = wrk.LoadPlan(4, 2, None, {"SKU-A": 30, "SKU-B": 9})
    output = run_wrk(wrk, plan, url, tmp_path)
    sold = Counter(item["sku"] for order in shop.accepted for item in order["items"])
    assert sold == {"SKU-A": 30, "SKU-B": 9}
    keys = [order["key"] for order in shop.accepted]
    assert len(set(keys)) == len(keys) == 39
    assert all(key.startswith("run1-") for key in keys)
    customers = {order["customer_id"] for order in shop.accepted}
    assert len(customers) == 39 and all(c.startswith("load-run1-") for c in customers)
    assert {order["payment_token"] for order in shop.accepted} == {"tok_visa"}
    assert len(output.accepted) == 39  # the script's own check request is never sent
    assert output.exhausted_threads == 4


def test_a_paced_connection_never_runs_ahead_of_its_schedule(
    wrk: ModuleType, standin: tuple[str, type[StandIn]], tmp_path: Path
) -> None:
    url, shop = standin
    shop.stock = {"SKU-A": 10_000}
    # 2 connections at 4 orders/s in all: each connection orders every 0.5 s, so a 3 s run
    # holds at most 7 slots per connection whatever the machine's speed.
    output = run_wrk(wrk, wrk.LoadPlan(2, 3, 4.0, {"SKU-A": 10_000}), url, tmp_path)
    assert 1 <= len(shop.accepted) <= 14
    assert len(output.responses) <= 14
