"""Deterministic assignment: the same experiment and unit always land in the same bucket."""

from __future__ import annotations

import hashlib

from experiments.domain.definitions import Experiment, Variant

BUCKETS = 10_000


def bucket(experiment: str, unit_id: str) -> int:
    """The unit's bucket in [0, 10000): the first 8 bytes of sha256("experiment:unit")."""
    digest = hashlib.sha256(f"{experiment}:{unit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def choose_variant(experiment: Experiment, unit_id: str) -> Variant:
    """The variant whose share of the buckets, in file order and by weight, holds the unit."""
    position = bucket(experiment.name, unit_id)
    total = sum(variant.weight for variant in experiment.variants)
    cumulative = 0
    for variant in experiment.variants:
        cumulative += variant.weight
        # position / BUCKETS < cumulative / total, in exact integers.
        if position * total < cumulative * BUCKETS:
            return variant
    return experiment.variants[-1]
