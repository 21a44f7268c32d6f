"""The before/after summary of `make loadtest-compare`, from the JSON `make loadtest` saves."""

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest


@pytest.fixture
def render(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("compare_render")


def figures(cpu: dict[str, float], *, orders: int, idle: dict[str, float] | None) -> dict[str, Any]:
    parts = [
        {"name": name, "cpu_seconds": s, "ms_per_order": s * 1000 / orders, "rss_mib": 100.0}
        for name, s in cpu.items()
    ]
    return {
        "accepted_per_second": orders / 20,
        "terminal_per_second": orders / 21,
        "shipped_per_second": orders / 21,
        "terminal": orders,
        "shipped": orders,
        "unfinished": 0,
        "http_ms": {"p50": 12.0, "p99": 80.4},
        "to_shipped_ms": None,
        "cpu_ms_per_order": sum(cpu.values()) * 1000 / orders,
        "rss_mib": 100.0 * len(cpu),
        "load_average": ["1.00", "2.00"],
        "other_cpu_seconds": 3.0,
        "parts": parts,
        "idle": idle,
    }


def test_the_summary_puts_before_and_after_side_by_side(render: ModuleType) -> None:
    before = render.Side(
        "before",
        "main~3",
        "a" * 40,
        30.0,
        25.5,
        {"paced100": figures({"kafka": 8.0, "orders": 4.0}, orders=400, idle={"kafka": 5.0})},
    )
    after = render.Side(
        "after",
        "HEAD",
        "b" * 40,
        12.0,
        9.25,
        {"paced100": figures({"kafka": 8.0, "zipkin": 2.0}, orders=4000, idle={"kafka": 2.0})},
    )
    text = render.render_summary([before, after], bench="ratio 0.9", command="compare.py")
    assert "| before | main~3 | aaaaaaaaaaaa | 30.0 | 25.5 |" in text
    assert "| after | HEAD | bbbbbbbbbbbb | 12.0 | 9.2 |" in text
    assert "| accepted/s | 20.0 | 200.0 |" in text
    assert "| CPU per order, all parts (ms) | 30.00 | 2.50 |" in text
    assert "| POST /v1/orders p50 / p99 (ms) | 12 / 80 | 12 / 80 |" in text
    assert "| placed -> SHIPPED p50 / p99 (ms) | n/a / n/a | n/a / n/a |" in text
    assert "| orders | 10.00 | 100 | - | - |" in text  # a part only one side has
    assert "| zipkin | - | - | 0.50 | 100 |" in text
    assert "| kafka | 5.00 | 2.00 |" in text and "| total | 5.00 | 2.00 |" in text
    assert "8 connections" not in text  # a load neither side ran is left out
    assert "ratio 0.9" in text
