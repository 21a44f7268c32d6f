"""The figures `make loadtest` prints and saves: percentiles, per-part rows and the report."""

import json
import random
from collections.abc import Callable
from types import ModuleType

import numpy
import pytest


@pytest.fixture
def usage(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("proc_usage")


def test_percentiles_match_numpy_linear_interpolation(stats: ModuleType) -> None:
    rng = random.Random(7)
    values = [rng.expovariate(1 / 40) for _ in range(1001)]
    for q in (0, 50, 90, 99, 100):
        assert stats.percentile(values, q) == pytest.approx(numpy.percentile(values, q))
    assert stats.percentile([12.0], 99) == 12.0


def test_percentile_of_nothing_is_an_error(stats: ModuleType) -> None:
    with pytest.raises(ValueError, match="no values"):
        stats.percentile([], 50)
    assert stats.Distribution.of([]) is None


def report(stats: ModuleType, usage: ModuleType, **changes: object) -> object:
    costs = [
        usage.PartCost("kafka", 4.0, 200 * stats.MIB, False),
        usage.PartCost("orders", 1.0, 80 * stats.MIB, True),
    ]
    fields = dict(
        command="loadtests/run_loadtest.py",
        started_at="2026-11-29T12:00:00+00:00",
        plan="32 connections, 20 s, no pause between orders",
        load_average=("0.5", "2.0"),
        responses=1000,
        accepted=998,
        refused={"503": 2},
        socket_errors=0,
        exhausted_threads=0,
        load_seconds=20.0,
        http_ms=stats.Distribution.of([10.0, 20.0, 30.0]),
        placed=1000,
        terminal=1000,
        shipped=990,
        cancelled={"OUT_OF_STOCK": 10},
        unfinished=0,
        saga_seconds=20.5,
        to_terminal_ms=stats.Distribution.of([100.0, 200.0]),
        to_shipped_ms=stats.Distribution.of([200.0]),
        window_seconds=25.0,
        parts=stats.part_rows(costs, orders=1000, window_seconds=25.0),
        other_cpu_seconds=3.0,
        client_cpu_seconds=1.5,
        idle={"kafka": 4.0, "orders": 1.0},
    )
    fields.update(changes)
    return stats.Report(**fields)


def test_rates_and_cost_per_order(stats: ModuleType, usage: ModuleType) -> None:
    figures = report(stats, usage)
    assert figures.accepted_per_second == pytest.approx(49.9)
    assert figures.terminal_per_second == pytest.approx(1000 / 20.5)
    assert figures.shipped_per_second == pytest.approx(990 / 20.5)
    assert figures.cpu_ms_per_order == pytest.approx(5.0)
    assert figures.parts[0].ms_per_order == pytest.approx(4.0)
    assert figures.parts[0].core_percent == pytest.approx(16.0)
    assert figures.rss_mib == pytest.approx(280)


def test_the_printed_report_has_every_figure(stats: ModuleType, usage: ModuleType) -> None:
    text = "\n".join(stats.render(report(stats, usage)))
    assert "998 accepted (202), other statuses: 503 2" in text
    assert "accepted/s 49.9" in text
    assert "POST /v1/orders p50 20 ms, p90 28 ms, p99 30 ms, max 30 ms (3)" in text
    assert "SHIPPED 990, CANCELLED OUT_OF_STOCK 10" in text
    assert "terminal/s 48.8/s, SHIPPED/s 48.3/s" in text
    assert "kafka              4.00      4.00    16.0      200         4.00" in text
    assert "(restarted during the run)" in text
    assert "total              5.00      5.00    20.0      280         5.00" in text
    assert "load client 1.5 CPU-s (not counted)" in text


def test_a_stock_limited_run_says_so(stats: ModuleType, usage: ModuleType) -> None:
    text = "\n".join(stats.render(report(stats, usage, exhausted_threads=3)))
    assert "3 connections ran out of stock" in text


def test_the_saved_figures_are_json_with_the_derived_rates(
    stats: ModuleType, usage: ModuleType
) -> None:
    data = json.loads(json.dumps(report(stats, usage, idle=None).to_json()))
    assert data["cpu_ms_per_order"] == pytest.approx(5.0)
    assert data["parts"][1]["name"] == "orders"
    assert data["http_ms"]["p99"] == pytest.approx(29.8)
    assert data["idle"] is None
