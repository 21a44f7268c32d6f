"""Downstream impact from Prometheus figures (a fake Prometheus answering instant queries):
less budget burnt and lower latency after a change are named as positive, with their figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from homefield.catalog import ServiceSpec
from homefield.checks.model import ServiceTouch
from homefield.credit.history import MergedChange
from homefield.credit.impact import WINDOW_SECONDS, ImpactReader
from homefield.credit.views import credit_views

MERGED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
AFTER = MERGED.timestamp() + WINDOW_SECONDS


class FakePrometheus:
    """Answers the reader's two queries from tables: error ratio over budget, and p99 seconds."""

    def __init__(self, burn: dict[float, float], p99: dict[float, float]) -> None:
        self.burn, self.p99, self.asked = burn, p99, []

    def instant(self, expr: str, at: float) -> list[tuple[dict[str, str], float]]:
        self.asked.append((expr, at))
        if expr.startswith("slo:sli_error:ratio_rate1d"):
            labels = {"service": "storefront", "slo": "browse-availability"}
            return [(labels, self.burn[at])] if at in self.burn else []
        return [({"service": "storefront"}, self.p99[at])] if at in self.p99 else []


def spec(name: str, **fields: object) -> ServiceSpec:
    return ServiceSpec.model_validate({"name": name, "tier": 1, "http": {"port": 8000}, **fields})


def change(contribution: str) -> MergedChange:
    specs = {
        "orders": spec("orders", grpc={"port": 50052, "provides": ["shop.orders.v1.OrderService"]}),
        "storefront": spec("storefront", calls=["shop.orders.v1.OrderService"]),
    }
    touch = ServiceTouch("orders", "checkout", contribution, 1, ("alice",), ("x",), 12)  # type: ignore[arg-type]
    return MergedChange(
        commit="c" * 40, merged_at=MERGED.isoformat(), author="dan",
        author_teams=("fulfillment",), services=(touch,), tests_added={"orders": 2},
        bar_raiser=None, override=None, verified=False, specs=specs,
    )  # fmt: skip


def test_less_budget_burnt_and_lower_latency_downstream_are_named_with_figures():
    fake = FakePrometheus(
        {MERGED.timestamp(): 3.0, AFTER: 0.6}, {MERGED.timestamp(): 0.25, AFTER: 0.08}
    )
    report = credit_views(
        [change("away")], "2026-11-01", ImpactReader(fake, MERGED + timedelta(days=3))
    )
    (fulfillment,) = report["teams"][1:]
    row = fulfillment["impact"][0]
    assert row["downstream"] == ["storefront"]
    (slo,) = row["slo_after"]
    # 3x the budget rate for one day of thirty = 10% of the budget; 0.6x = 2%
    assert (
        round(slo["budget_spent_before"], 4) == 0.1 and round(slo["budget_spent_after"], 4) == 0.02
    )
    assert (slo["p99_before_ms"], slo["p99_after_ms"]) == (250.0, 80.0)
    assert row["positive"] == [
        "less budget burnt: storefront browse-availability spent 10.00% of its 30-day budget "
        "the day before, 2.00% the day after",
        "lower latency: storefront p99 250 ms the day before, 80 ms the day after",
    ]
    contributed = fulfillment["contributed"][0]
    assert contributed["slo_after"] == [
        {
            "service": "storefront",
            "slo": "browse-availability",
            "budget_spent": slo["budget_spent_after"],
        }
    ]


def test_more_burn_is_not_named_positive_and_a_day_not_yet_over_is_not_read():
    fake = FakePrometheus({MERGED.timestamp(): 0.5, AFTER: 2.0}, {})
    worse = credit_views(
        [change("home")], "2026-11-01", ImpactReader(fake, MERGED + timedelta(days=3))
    )
    assert worse["teams"][0]["impact"][0]["positive"] == []
    fresh = FakePrometheus({MERGED.timestamp(): 0.5}, {})
    credit_views([change("home")], "2026-11-01", ImpactReader(fresh, MERGED + timedelta(hours=2)))
    assert {at for _, at in fresh.asked} == {MERGED.timestamp()}
