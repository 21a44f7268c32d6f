"""Experiment definitions from experiments.yaml, validated with errors naming file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from homefield.catalog.yamlfile import LocatedYaml, load_yaml, validate
from pydantic import BaseModel, ConfigDict, Field, PositiveInt

NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class Variant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=NAME_PATTERN)
    weight: PositiveInt
    control: bool = False
    params: dict[str, str] = {}


class Experiment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    unit: Literal["customer_id"]
    primary_metric: Literal["conversion"]
    secondary_metric: Literal["revenue_per_unit"]
    minimum_detectable_effect: float = Field(gt=0.0, le=0.5)
    alpha: float = Field(default=0.05, gt=0.0, lt=1.0)
    power: float = Field(default=0.8, gt=0.0, lt=1.0)
    variants: list[Variant] = Field(min_length=2)

    @property
    def control(self) -> Variant:
        return next(v for v in self.variants if v.control)

    def variant(self, name: str) -> Variant | None:
        return next((v for v in self.variants if v.name == name), None)


class ExperimentsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    experiments: list[Experiment] = []


def load_experiments(path: Path) -> dict[str, Experiment]:
    """Every experiment in ``path`` by name; a bad file raises CatalogError naming file and line."""
    doc = load_yaml(path)
    parsed = validate(doc, ExperimentsFile)
    _check_consistency(doc, parsed)
    return {experiment.name: experiment for experiment in parsed.experiments}


def _check_consistency(doc: LocatedYaml, parsed: ExperimentsFile) -> None:
    seen: set[str] = set()
    for index, experiment in enumerate(parsed.experiments):
        loc: tuple[str | int, ...] = ("experiments", index)
        if experiment.name in seen:
            raise doc.error((*loc, "name"), f"duplicate experiment {experiment.name!r}")
        seen.add(experiment.name)
        controls = sum(1 for variant in experiment.variants if variant.control)
        if controls != 1:
            raise doc.error(
                (*loc, "variants"), f"exactly one variant must have control: true, found {controls}"
            )
        names: set[str] = set()
        for position, variant in enumerate(experiment.variants):
            if variant.name in names:
                raise doc.error(
                    (*loc, "variants", position, "name"), f"duplicate variant {variant.name!r}"
                )
            names.add(variant.name)
