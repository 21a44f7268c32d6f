"""Every statistic the WebLab reports, against scipy's reference values (scipy is dev-only)."""

import itertools
import math

import numpy as np
import pytest
from experiments.domain import distributions as dist
from experiments.domain.significance import (
    Proportion,
    RevenueSample,
    required_units_per_variant,
    sample_ratio_p_value,
    two_proportion_test,
    welch_test,
)
from scipy import stats

REL = 1e-8

DEGREES = [1, 2.5, 7, 30, 123.4, 5_000, 250_000]


@pytest.mark.parametrize("z", [-8.0, -3.0, -1.96, -0.5, 0.0, 0.3, 1.0, 2.5, 6.0])
def test_normal_cdf_and_sf_match_scipy(z: float) -> None:
    assert dist.normal_cdf(z) == pytest.approx(stats.norm.cdf(z), rel=1e-12)
    assert dist.normal_sf(z) == pytest.approx(stats.norm.sf(z), rel=1e-12)


@pytest.mark.parametrize("p", [1e-10, 1e-4, 0.02, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999, 1 - 1e-6])
def test_normal_quantile_matches_scipy(p: float) -> None:
    assert dist.normal_ppf(p) == pytest.approx(stats.norm.ppf(p), rel=1e-10, abs=1e-14)


@pytest.mark.parametrize(
    ("t", "df"), list(itertools.product([0.0, 0.2, 1.0, 1.96, 3.5, 9.0], DEGREES))
)
def test_student_t_two_sided_tail_matches_scipy(t: float, df: float) -> None:
    assert dist.student_t_two_sided(t, df) == pytest.approx(2 * stats.t.sf(t, df), rel=REL)


@pytest.mark.parametrize(("p", "df"), list(itertools.product([0.6, 0.9, 0.975, 0.995], DEGREES)))
def test_student_t_quantile_matches_scipy(p: float, df: float) -> None:
    assert dist.student_t_ppf(p, df) == pytest.approx(stats.t.ppf(p, df), rel=REL)


@pytest.mark.parametrize(
    ("x", "df"), list(itertools.product([0.0, 0.01, 0.7, 3.84, 12.0, 80.0], [1, 2, 3, 5, 20, 150]))
)
def test_chi_square_tail_matches_scipy(x: float, df: int) -> None:
    assert dist.chi_square_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-10)


def test_quantiles_reject_probabilities_outside_their_range() -> None:
    with pytest.raises(ValueError, match="probability"):
        dist.normal_ppf(1.0)
    with pytest.raises(ValueError, match="probability"):
        dist.student_t_ppf(0.2, 5)


CONVERSIONS = [
    (1_000, 100, 1_000, 120),
    (5_000, 250, 5_100, 300),
    (200, 0, 210, 5),
    (37, 3, 12, 11),
    (100_000, 3_000, 99_000, 3_100),
    (400, 40, 400, 40),
]


@pytest.mark.parametrize(("n_c", "x_c", "n_v", "x_v"), CONVERSIONS)
def test_two_proportion_z_test_matches_scipy(n_c: int, x_c: int, n_v: int, x_v: int) -> None:
    result = two_proportion_test(Proportion(n_c, x_c), Proportion(n_v, x_v))
    assert result is not None
    table = [[x_v, n_v - x_v], [x_c, n_c - x_c]]
    # The pooled two-proportion z-test is the uncorrected chi-square test of the 2x2 table.
    reference_p = stats.chi2_contingency(table, correction=False).pvalue
    assert result.p_value == pytest.approx(reference_p, rel=REL)
    p_c, p_v = x_c / n_c, x_v / n_v
    se = math.sqrt(p_c * (1 - p_c) / n_c + p_v * (1 - p_v) / n_v)
    margin = stats.norm.ppf(0.975) * se
    assert result.difference == pytest.approx(p_v - p_c, abs=1e-15)
    assert result.ci_low == pytest.approx(p_v - p_c - margin, rel=1e-10, abs=1e-15)
    assert result.ci_high == pytest.approx(p_v - p_c + margin, rel=1e-10, abs=1e-15)


def test_no_conversions_anywhere_is_no_evidence_of_a_difference() -> None:
    result = two_proportion_test(Proportion(50, 0), Proportion(60, 0))
    assert result is not None
    assert (result.difference, result.ci_low, result.ci_high, result.p_value) == (0, 0, 0, 1.0)


def test_a_variant_without_units_has_no_conversion_comparison() -> None:
    assert two_proportion_test(Proportion(100, 10), Proportion(0, 0)) is None
    assert two_proportion_test(Proportion(0, 0), Proportion(100, 10)) is None


def revenues(seed: int, units: int, rate: float, mean_cents: int) -> list[int]:
    """Per-unit revenue: zero for units that did not buy, an order total for those that did."""
    rng = np.random.default_rng(seed)
    bought = rng.random(units) < rate
    totals = rng.gamma(2.0, mean_cents / 2.0, units).astype(int) + 1
    return [int(total) if b else 0 for b, total in zip(bought, totals, strict=True)]


REVENUE_SETS = [
    (revenues(1, 500, 0.10, 4_000), revenues(2, 520, 0.13, 4_200)),
    (revenues(3, 2_000, 0.05, 9_000), revenues(4, 1_900, 0.05, 9_000)),
    (revenues(5, 40, 0.5, 2_000), revenues(6, 9, 0.4, 12_000)),
    ([0] * 30, revenues(7, 25, 0.3, 3_000)),
    ([0, 0, 1_200], [5_000, 0, 0, 2_500, 0]),
]


@pytest.mark.parametrize(("control", "variant"), REVENUE_SETS)
def test_welch_t_test_matches_scipy(control: list[int], variant: list[int]) -> None:
    result = welch_test(RevenueSample.of(control), RevenueSample.of(variant))
    assert result is not None
    reference = stats.ttest_ind(variant, control, equal_var=False)
    interval = reference.confidence_interval(confidence_level=0.95)
    assert result.difference == pytest.approx(np.mean(variant) - np.mean(control), rel=1e-12)
    assert result.p_value == pytest.approx(reference.pvalue, rel=REL)
    assert result.ci_low == pytest.approx(interval.low, rel=REL)
    assert result.ci_high == pytest.approx(interval.high, rel=REL)


def test_revenue_sample_variance_matches_numpy() -> None:
    values = revenues(8, 300, 0.2, 5_000)
    sample = RevenueSample.of(values)
    assert sample.mean == pytest.approx(np.mean(values), rel=1e-12)
    assert sample.variance == pytest.approx(np.var(values, ddof=1), rel=1e-12)


def test_zero_revenue_everywhere_is_no_evidence_of_a_difference() -> None:
    result = welch_test(RevenueSample.of([0] * 20), RevenueSample.of([0] * 25))
    assert result is not None
    assert (result.difference, result.ci_low, result.ci_high, result.p_value) == (0, 0, 0, 1.0)


def test_welch_needs_two_units_in_each_group() -> None:
    assert welch_test(RevenueSample.of([100, 0, 0]), RevenueSample.of([])) is None
    assert welch_test(RevenueSample.of([100]), RevenueSample.of([0, 50])) is None


SPLITS = [
    ([5_000, 5_000], [50, 50]),
    ([5_100, 4_900], [50, 50]),
    ([5_200, 4_800], [50, 50]),
    ([920, 80], [90, 10]),
    ([520, 480, 1_000], [1, 1, 2]),
    ([0, 30], [50, 50]),
]


@pytest.mark.parametrize(("observed", "weights"), SPLITS)
def test_sample_ratio_mismatch_matches_scipy(observed: list[int], weights: list[int]) -> None:
    total = sum(observed)
    expected = [total * w / sum(weights) for w in weights]
    reference = stats.chisquare(observed, expected).pvalue
    assert sample_ratio_p_value(observed, weights) == pytest.approx(reference, rel=1e-10)


def test_no_units_yet_is_no_mismatch() -> None:
    assert sample_ratio_p_value([0, 0], [50, 50]) == 1.0


def power_at(n: int, p1: float, p2: float, alpha: float) -> float:
    mean = (p1 + p2) / 2
    z_alpha = stats.norm.ppf(1 - alpha / 2)
    spread = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    shift = abs(p2 - p1) * math.sqrt(n) - z_alpha * math.sqrt(2 * mean * (1 - mean))
    return float(stats.norm.cdf(shift / spread))


@pytest.mark.parametrize(
    ("baseline", "effect", "alpha", "power"),
    [
        (0.1, 0.02, 0.05, 0.8),
        (0.03, 0.005, 0.05, 0.9),
        (0.5, 0.1, 0.01, 0.8),
        (0.0, 0.02, 0.05, 0.8),
    ],
)
def test_required_units_is_the_smallest_sample_with_the_power(
    baseline: float, effect: float, alpha: float, power: float
) -> None:
    n = required_units_per_variant(baseline, effect, alpha=alpha, power=power)
    assert power_at(n, baseline, baseline + effect, alpha) >= power
    assert power_at(n - 1, baseline, baseline + effect, alpha) < power


def test_the_default_baseline_needs_3841_units_per_variant_for_two_points() -> None:
    assert required_units_per_variant(0.1, 0.02) == 3_841


def test_a_baseline_near_one_tests_the_effect_downwards() -> None:
    n = required_units_per_variant(0.99, 0.02)
    assert power_at(n, 0.99, 0.97, 0.05) >= 0.8
    assert power_at(n - 1, 0.99, 0.97, 0.05) < 0.8
