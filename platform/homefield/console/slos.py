"""SLO status from the recording rules `make render` writes: SLI, budget left, burn rates and
how long the budget lasts at the current burn."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from homefield.catalog import ServiceEntry
from homefield.console.sources import Vector
from homefield.slo.rules import ratio_record
from homefield.slo.runbooks import runbook_url
from homefield.slo.windows import SLO_PERIOD, window_ms

# The instant queries behind the SLO table, by what they give; one query each for the shop.
QUERIES = {
    "ratio_period": ratio_record(SLO_PERIOD),
    "ratio_1h": ratio_record("1h"),
    "ratio_6h": ratio_record("6h"),
    "budget_remaining": "slo:error_budget:remaining",
}
PERIOD_HOURS = window_ms(SLO_PERIOD) / 3_600_000


@dataclass(frozen=True)
class SloStatus:
    """One SLO's row; a number is None until Prometheus has data for it."""

    service: str
    name: str
    objective: float
    runbook: str
    sli: float | None = None  # percent of good events over the SLO period
    budget_remaining: float | None = None  # share of the period's error budget left, 1 = all
    burn_rate_1h: float | None = None
    burn_rate_6h: float | None = None
    exhaustion_hours: float | None = None  # None: not burning (or unknown)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


SloSeries = dict[str, dict[tuple[str, str], float]]


def index_series(readings: dict[str, Vector]) -> SloSeries:
    """``{query key: {(service, slo): value}}`` from the instant vectors of ``QUERIES``."""
    return {
        key: {(labels.get("service", ""), labels.get("slo", "")): value for labels, value in vector}
        for key, vector in readings.items()
    }


def exhaustion_hours(budget_remaining: float | None, burn_rate: float | None) -> float | None:
    """Hours until the budget is spent at ``burn_rate`` (1 = spending exactly one period's
    budget over the period); 0 once it is spent; None when nothing burns or data is missing."""
    if budget_remaining is None or burn_rate is None:
        return None
    if budget_remaining <= 0:
        return 0.0
    if burn_rate <= 0:
        return None
    return budget_remaining * PERIOD_HOURS / burn_rate


def _finite(value: float | None) -> float | None:
    return (
        None if value is None or value != value or value in (float("inf"), -float("inf")) else value
    )


def slo_statuses(entry: ServiceEntry, series: SloSeries | None) -> list[SloStatus]:
    """The service's SLOs with their live numbers, lowest budget first (unknown last)."""
    rows: list[SloStatus] = []
    for slo in entry.slos.slos:
        key = (entry.name, slo.name)
        found = {name: _finite(values.get(key)) for name, values in (series or {}).items()}
        budget = slo.error_budget
        ratio = found.get("ratio_period")
        burn_1h = _burn(found.get("ratio_1h"), budget)
        remaining = found.get("budget_remaining")
        rows.append(
            SloStatus(
                service=entry.name,
                name=slo.name,
                objective=slo.objective,
                runbook=runbook_url(entry.name, slo.runbook_ref),
                sli=None if ratio is None else 100 * (1 - ratio),
                budget_remaining=remaining,
                burn_rate_1h=burn_1h,
                burn_rate_6h=_burn(found.get("ratio_6h"), budget),
                exhaustion_hours=exhaustion_hours(remaining, burn_1h),
            )
        )
    return sort_by_budget(rows)


def _burn(ratio: float | None, budget: float) -> float | None:
    return None if ratio is None else ratio / budget


def sort_by_budget(rows: list[SloStatus]) -> list[SloStatus]:
    return sorted(rows, key=lambda r: (r.budget_remaining is None, r.budget_remaining or 0.0))
