"""experiments.yaml: the live experiment as the storefront reads it, and bad files named by line."""

from pathlib import Path

import pytest
from experiments.domain.definitions import load_experiments
from homefield.catalog import CatalogError

SERVICE_DIR = Path(__file__).resolve().parents[2]

VALID = """\
experiments:
  - name: button-colour
    unit: customer_id
    primary_metric: conversion
    secondary_metric: revenue_per_unit
    minimum_detectable_effect: 0.01
    variants:
      - name: blue
        control: true
        weight: 90
        params: {colour: blue}
      - name: green
        weight: 10
        params: {colour: green}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "experiments.yaml"
    path.write_text(text)
    return path


def error_for(tmp_path: Path, text: str) -> CatalogError:
    path = write(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        load_experiments(path)
    assert caught.value.path == str(path)
    return caught.value


def test_the_live_free_shipping_experiment_gives_the_storefront_its_two_params() -> None:
    experiments = load_experiments(SERVICE_DIR / "experiments.yaml")
    live = experiments["free-shipping-threshold"]
    assert live.control.name == "control"
    assert [(v.name, v.weight) for v in live.variants] == [("control", 50), ("treatment", 50)]
    control, treatment = live.variant("control"), live.variant("treatment")
    assert control is not None and treatment is not None
    assert control.params == {"shipping_cents": "499", "free_shipping_threshold_cents": "5000"}
    assert treatment.params == {"shipping_cents": "499", "free_shipping_threshold_cents": "2500"}
    assert (live.unit, live.primary_metric, live.secondary_metric) == (
        "customer_id",
        "conversion",
        "revenue_per_unit",
    )
    assert (live.alpha, live.power) == (0.05, 0.8)
    assert 0 < live.minimum_detectable_effect <= 0.5


def test_defaults_for_alpha_and_power_apply(tmp_path: Path) -> None:
    experiment = load_experiments(write(tmp_path, VALID))["button-colour"]
    assert (experiment.alpha, experiment.power) == (0.05, 0.8)


def test_a_zero_weight_is_an_error_on_its_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, VALID.replace("weight: 10", "weight: 0"))
    assert error.line == 13
    assert "variants.1.weight" in str(error)
    assert "greater than 0" in str(error)


def test_two_controls_are_an_error(tmp_path: Path) -> None:
    text = VALID.replace("        weight: 10", "        control: true\n        weight: 10")
    error = error_for(tmp_path, text)
    assert error.line == 7
    assert "exactly one variant must have control: true, found 2" in str(error)


def test_no_control_is_an_error(tmp_path: Path) -> None:
    error = error_for(tmp_path, VALID.replace("        control: true\n", ""))
    assert "found 0" in str(error)


def test_a_duplicate_variant_name_points_at_the_second_one(tmp_path: Path) -> None:
    error = error_for(tmp_path, VALID.replace("name: green", "name: blue"))
    assert error.line == 12
    assert "duplicate variant 'blue'" in str(error)


def test_a_duplicate_experiment_name_is_an_error(tmp_path: Path) -> None:
    body = VALID.split("\n", 1)[1]
    error = error_for(tmp_path, VALID + body)
    assert error.line == 15
    assert "duplicate experiment 'button-colour'" in str(error)


def test_params_must_be_strings(tmp_path: Path) -> None:
    error = error_for(tmp_path, VALID.replace("{colour: green}", "{colour: 7}"))
    assert error.line == 14
    assert "params.colour" in str(error)
    assert "valid string" in str(error)


def test_an_unknown_unit_is_an_error(tmp_path: Path) -> None:
    error = error_for(tmp_path, VALID.replace("unit: customer_id", "unit: session_id"))
    assert error.line == 3
    assert "unit" in str(error)


def test_an_unknown_key_is_an_error(tmp_path: Path) -> None:
    error = error_for(tmp_path, VALID.replace("    unit:", "    owner: weblab\n    unit:"))
    assert error.line == 3
    assert "owner" in str(error)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, VALID.replace("params: {colour: green}", "params: {colour: [}"))
    assert error.line == 14
    assert "invalid YAML" in str(error)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="file not found"):
        load_experiments(tmp_path / "absent.yaml")
