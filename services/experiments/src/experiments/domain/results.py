"""An experiment's results: per-variant totals turned into rates, comparisons and checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from experiments.domain.definitions import Experiment, Variant
from experiments.domain.significance import (
    Comparison,
    Proportion,
    RevenueSample,
    required_units_per_variant,
    sample_ratio_p_value,
    two_proportion_test,
    welch_test,
)

# The baseline conversion rate assumed for the sample size before control has any units.
DEFAULT_BASELINE = 0.1


@dataclass(frozen=True)
class VariantTotals:
    """What the database knows about one variant: exposed units, converted units, revenue."""

    units: int = 0
    conversions: int = 0
    revenue_cents: int = 0
    revenue_squares: int = 0

    @property
    def proportion(self) -> Proportion:
        return Proportion(self.units, self.conversions)

    @property
    def revenue(self) -> RevenueSample:
        return RevenueSample(self.units, self.revenue_cents, self.revenue_squares)


@dataclass(frozen=True)
class VariantResult:
    variant: str
    control: bool
    units: int
    conversions: int
    conversion_rate: float
    revenue_per_unit: float
    conversion: Comparison | None = None
    revenue: Comparison | None = None


@dataclass(frozen=True)
class Results:
    experiment: str
    variants: list[VariantResult]
    srm_p_value: float
    required_units_per_variant: int
    sample_reached: bool


def analyse(experiment: Experiment, totals: Mapping[str, VariantTotals]) -> Results:
    """Compare every variant with control; variants without exposures count as empty."""
    control = totals.get(experiment.control.name, VariantTotals())
    rows = [
        _variant_result(
            variant, totals.get(variant.name, VariantTotals()), control, experiment.alpha
        )
        for variant in experiment.variants
    ]
    baseline = control.proportion.rate if control.units else DEFAULT_BASELINE
    required = required_units_per_variant(
        baseline,
        experiment.minimum_detectable_effect,
        alpha=experiment.alpha,
        power=experiment.power,
    )
    return Results(
        experiment=experiment.name,
        variants=rows,
        srm_p_value=sample_ratio_p_value(
            [row.units for row in rows], [variant.weight for variant in experiment.variants]
        ),
        required_units_per_variant=required,
        sample_reached=all(row.units >= required for row in rows),
    )


def _variant_result(
    variant: Variant, mine: VariantTotals, control: VariantTotals, alpha: float
) -> VariantResult:
    result = VariantResult(
        variant=variant.name,
        control=variant.control,
        units=mine.units,
        conversions=mine.conversions,
        conversion_rate=mine.proportion.rate,
        revenue_per_unit=mine.revenue.mean,
    )
    if variant.control:
        return result
    return replace(
        result,
        conversion=two_proportion_test(control.proportion, mine.proportion, alpha=alpha),
        revenue=welch_test(control.revenue, mine.revenue, alpha=alpha),
    )
