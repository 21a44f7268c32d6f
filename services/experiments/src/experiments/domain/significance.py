"""The WebLab's tests: conversion (two-proportion z-test), revenue per unit (Welch's t-test),
sample-ratio mismatch (chi-square goodness of fit) and the sample size for a minimum effect."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from experiments.domain.distributions import (
    SQRT2,
    chi_square_sf,
    normal_ppf,
    student_t_ppf,
    student_t_two_sided,
)


@dataclass(frozen=True)
class Comparison:
    """A variant minus control: the difference, its confidence interval and a two-sided p."""

    difference: float
    ci_low: float
    ci_high: float
    p_value: float


@dataclass(frozen=True)
class Proportion:
    units: int
    conversions: int

    @property
    def rate(self) -> float:
        return self.conversions / self.units if self.units else 0.0


@dataclass(frozen=True)
class RevenueSample:
    """Per-unit revenue summarised as count, sum and sum of squares (exact integers, cents)."""

    units: int
    total: int
    squares: int

    @classmethod
    def of(cls, values: Sequence[int]) -> RevenueSample:
        return cls(len(values), sum(values), sum(v * v for v in values))

    @property
    def mean(self) -> float:
        return self.total / self.units if self.units else 0.0

    @property
    def variance(self) -> float:
        """The sample variance (n - 1 in the denominator), computed without cancellation."""
        n = self.units
        return (n * self.squares - self.total * self.total) / (n * (n - 1))


def two_proportion_test(
    control: Proportion, variant: Proportion, *, alpha: float = 0.05
) -> Comparison | None:
    """Rate difference; p from the pooled z-test, CI from the unpooled standard error.

    None when either group has no units. With no spread at all (no conversions, or all
    converted, in both groups) there is no evidence of a difference: p is 1.
    """
    if control.units == 0 or variant.units == 0:
        return None
    p_c, p_v = control.rate, variant.rate
    difference = p_v - p_c
    pooled = (control.conversions + variant.conversions) / (control.units + variant.units)
    pooled_se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / control.units + 1.0 / variant.units))
    p_value = math.erfc(abs(difference) / pooled_se / SQRT2) if pooled_se > 0 else 1.0
    se = math.sqrt(p_c * (1.0 - p_c) / control.units + p_v * (1.0 - p_v) / variant.units)
    margin = normal_ppf(1.0 - alpha / 2.0) * se
    return Comparison(difference, difference - margin, difference + margin, min(p_value, 1.0))


def welch_test(
    control: RevenueSample, variant: RevenueSample, *, alpha: float = 0.05
) -> Comparison | None:
    """Mean difference with Welch's t-test; the CI uses the Welch-Satterthwaite df.

    None when either group has fewer than two units (no variance to estimate). With zero
    variance in both groups the means are exact: p is 1 if they are equal, else 0.
    """
    if control.units < 2 or variant.units < 2:
        return None
    difference = variant.mean - control.mean
    share_c = control.variance / control.units
    share_v = variant.variance / variant.units
    se_squared = share_c + share_v
    if se_squared <= 0.0:
        return Comparison(difference, difference, difference, 1.0 if difference == 0 else 0.0)
    se = math.sqrt(se_squared)
    df = se_squared**2 / (share_c**2 / (control.units - 1) + share_v**2 / (variant.units - 1))
    p_value = student_t_two_sided(difference / se, df)
    margin = student_t_ppf(1.0 - alpha / 2.0, df) * se
    return Comparison(difference, difference - margin, difference + margin, p_value)


def sample_ratio_p_value(observed: Sequence[int], weights: Sequence[float]) -> float:
    """Chi-square goodness of fit of the units per variant against the configured weights.

    A small p means the split is not what was configured (a sample-ratio mismatch). With
    no units yet there is nothing to test: p is 1.
    """
    total = sum(observed)
    if total == 0 or len(observed) < 2:
        return 1.0
    weight_sum = sum(weights)
    statistic = 0.0
    for count, weight in zip(observed, weights, strict=True):
        expected = total * weight / weight_sum
        statistic += (count - expected) ** 2 / expected
    return chi_square_sf(statistic, len(observed) - 1)


def required_units_per_variant(
    baseline: float, minimum_effect: float, *, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Units per variant to detect an absolute change of ``minimum_effect`` in a rate.

    The classic two-proportion formula (two-sided, no continuity correction):
    n = (z(1-alpha/2) sqrt(2 p q) + z(power) sqrt(p1 q1 + p2 q2))^2 / effect^2, where p is
    the mean of p1 (the baseline) and p2 (baseline plus the effect, or minus it above 1).
    """
    p1 = baseline
    p2 = p1 + minimum_effect if p1 + minimum_effect <= 1.0 else p1 - minimum_effect
    mean = (p1 + p2) / 2.0
    z_alpha = normal_ppf(1.0 - alpha / 2.0)
    z_power = normal_ppf(power)
    spread = z_alpha * math.sqrt(2.0 * mean * (1.0 - mean)) + z_power * math.sqrt(
        p1 * (1.0 - p1) + p2 * (1.0 - p2)
    )
    exact = spread**2 / minimum_effect**2
    return max(1, math.ceil(exact - 1e-9))
