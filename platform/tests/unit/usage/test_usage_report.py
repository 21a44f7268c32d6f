"""`homefield usage` from readings: the JSON contract, flags, planned marks and the table.
Prometheus is a fake here (canned answers per query); the real one is in the integration test."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from homefield.catalog import Catalog
from homefield.slo.query import Prometheus, Sample
from homefield.usage import promql
from homefield.usage.report import SUSTAINED, read_usage, usage_json
from homefield.usage.text import render_usage

REPO = Path(__file__).resolve().parents[4]
CATALOG = Catalog.load(REPO)
AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class FakePrometheus(Prometheus):
    """Answers each query from a table keyed by the exact query."""

    def __init__(self, answers: dict[str, list[Sample]]) -> None:
        super().__init__("http://fake")
        self.answers = answers

    def query(self, expr: str, at: datetime) -> list[Sample]:  # noqa: ARG002
        return self.answers.get(expr, [])


def _sample(service: str, signal: str, value: float) -> Sample:
    return Sample({"service": service, "signal": signal}, value)


def _report() -> dict[str, Any]:
    fake = FakePrometheus(
        {
            promql.AVG: [
                _sample("orders", "requests", 60.0),
                _sample("storefront", "requests", 50.0),
            ],
            promql.latest(promql.BASELINE): [
                _sample("orders", "requests", 20.0),
                _sample("storefront", "requests", 20.0),
            ],
            SUSTAINED: [
                _sample("orders", "requests", 2),
                _sample("storefront", "requests", 2),
            ],
        }
    )
    return usage_json(read_usage(CATALOG, fake, AT))


def test_the_json_has_exactly_the_contract_keys() -> None:
    data = _report()
    assert set(data) == {"teams"}
    team = data["teams"][0]
    assert set(team) == {"team", "services"}
    assert set(team["services"][0]) == {"service", "signals"}
    signal = team["services"][0]["signals"][0]
    assert set(signal) == {"signal", "now", "baseline", "growth", "flagged", "planned"}


def test_sustained_growth_is_flagged_unless_a_planned_mark_covers_it() -> None:
    rows = {
        (s["service"], r["signal"]): r
        for t in _report()["teams"]
        for s in t["services"]
        for r in s["signals"]
    }
    orders = rows[("orders", "requests")]
    assert orders["flagged"] is True
    assert orders["growth"] == 2.0
    storefront = rows[("storefront", "requests")]
    assert storefront["flagged"] is False
    assert storefront["planned"]["active"] is True
    assert rows[("inventory", "requests")] == {
        "signal": "requests",
        "now": None,
        "baseline": None,
        "growth": None,
        "flagged": False,
        "planned": None,
    }


def test_the_table_names_flags_and_marks() -> None:
    fake = FakePrometheus({promql.AVG: [_sample("orders", "storage", 3 * 2**30)]})
    text = render_usage(read_usage(CATALOG, fake, AT))
    assert "3.00 GiB" in text
    assert "storefront requests until 2027-01-04 (active): Holiday sale" in text
