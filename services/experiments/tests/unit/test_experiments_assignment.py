"""Assignment is a pure function of experiment and unit, and honours the weights."""

import hashlib
from collections import Counter

from experiments.domain.assignment import bucket, choose_variant
from experiments.domain.definitions import Experiment, Variant


def experiment(name: str, *weights: int) -> Experiment:
    return Experiment(
        name=name,
        unit="customer_id",
        primary_metric="conversion",
        secondary_metric="revenue_per_unit",
        minimum_detectable_effect=0.02,
        variants=[
            Variant(name=f"v{index}", weight=weight, control=index == 0)
            for index, weight in enumerate(weights)
        ],
    )


def test_the_bucket_is_the_first_eight_bytes_of_sha256_modulo_10000() -> None:
    digest = hashlib.sha256(b"free-shipping-threshold:cust-42").digest()
    assert bucket("free-shipping-threshold", "cust-42") == int.from_bytes(digest[:8]) % 10_000


def test_a_unit_always_gets_the_same_variant() -> None:
    first = experiment("sticky", 50, 50)
    again = experiment("sticky", 50, 50)
    for unit in (f"cust-{n}" for n in range(500)):
        assert choose_variant(first, unit) == choose_variant(again, unit)


def test_the_same_unit_is_split_independently_in_different_experiments() -> None:
    units = [f"cust-{n}" for n in range(2_000)]
    a = [choose_variant(experiment("alpha", 50, 50), u).name for u in units]
    b = [choose_variant(experiment("beta", 50, 50), u).name for u in units]
    agreement = sum(x == y for x, y in zip(a, b, strict=True)) / len(units)
    assert 0.45 < agreement < 0.55


def test_a_50_50_split_over_10000_units_is_balanced() -> None:
    live = experiment("free-shipping-threshold", 50, 50)
    counts = Counter(choose_variant(live, f"cust-{n}").name for n in range(10_000))
    assert set(counts) == {"v0", "v1"}
    # Three standard deviations of a fair split of 10,000 is 150.
    assert abs(counts["v0"] - 5_000) < 150


def test_a_90_10_split_over_10000_units_follows_the_weights() -> None:
    skewed = experiment("skewed", 90, 10)
    counts = Counter(choose_variant(skewed, f"cust-{n}").name for n in range(10_000))
    assert abs(counts["v1"] - 1_000) < 90


def test_three_variants_each_get_their_share() -> None:
    three = experiment("three", 1, 1, 2)
    counts = Counter(choose_variant(three, f"u{n}").name for n in range(10_000))
    assert abs(counts["v0"] - 2_500) < 130
    assert abs(counts["v1"] - 2_500) < 130
    assert abs(counts["v2"] - 5_000) < 150


def test_bucket_boundaries_follow_the_cumulative_weights() -> None:
    split = experiment("edges", 1, 3)
    for n in range(3_000):
        unit = f"u{n}"
        expected = "v0" if bucket("edges", unit) < 2_500 else "v1"
        assert choose_variant(split, unit).name == expected
