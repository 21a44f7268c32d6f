"""The public API contract and experiment launches, stops and ships are high impact (item 14)."""

from __future__ import annotations

import json

CONTRACT = "services/orders/openapi.json"
EXPERIMENTS = "services/experiments/experiments.yaml"


def _reasons(homefield):
    return homefield.check().report["bar_raiser"]["reasons"]


def _contract(paths):
    doc = {"openapi": "3.1.0", "paths": {p: {"get": {}} for p in paths}}
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def test_a_changed_public_api_contract_is_high_impact(scratch, homefield):
    scratch.write(CONTRACT, _contract(["/v1/orders"]))
    scratch.base = scratch.commit("alice", "contract")
    scratch.write(CONTRACT, _contract(["/v1/orders", "/v1/refunds"]))
    scratch.commit("alice", "refunds")
    assert f"public API contract {CONTRACT} changed: path /v1/refunds added" in _reasons(homefield)


def test_a_contract_made_unreadable_is_still_high_impact(scratch, homefield):
    scratch.write(CONTRACT, _contract(["/v1/orders"]))
    scratch.base = scratch.commit("alice", "contract")
    scratch.write(CONTRACT, "[" * 100 + "]" * 100)
    scratch.commit("alice")
    (reason,) = _reasons(homefield)
    assert reason.startswith(f"public API contract {CONTRACT} changed (unreadable")


def _experiments(*experiments):
    lines = ["experiments:"]
    for name, variants in experiments:
        lines += [f"  - name: {name}", "    variants:"]
        for variant, control in variants:
            lines.append(
                f"      - {{name: {variant}, weight: 50, control: {str(control).lower()}}}"
            )
    return "\n".join(lines) + "\n"


def test_launching_stopping_and_shipping_experiments_is_high_impact(scratch, homefield):
    scratch.write(EXPERIMENTS, _experiments(("banner", [("control", True), ("red", False)])))
    scratch.base = scratch.commit("pat", "one experiment")
    scratch.write(
        EXPERIMENTS,
        _experiments(
            ("banner", [("control", False), ("red", True), ("blue", False)]),
            ("free-gift", [("control", True), ("gift", False)]),
        ),
    )
    scratch.commit("pat", "ship red, try blue, launch free-gift")
    reasons = _reasons(homefield)
    assert "experiment free-gift launched" in reasons
    assert "experiment banner: variant blue launched" in reasons
    assert "experiment banner: variant red shipped as the control" in reasons
    scratch.write(EXPERIMENTS, "experiments: []\n")
    scratch.commit("pat", "stop everything")
    assert "experiment banner stopped" in _reasons(homefield)


def test_an_unchanged_experiment_set_is_not_high_impact(scratch, homefield):
    scratch.write(EXPERIMENTS, _experiments(("banner", [("control", True), ("red", False)])))
    scratch.base = scratch.commit("pat", "one experiment")
    scratch.append(EXPERIMENTS, "# a comment\n")
    scratch.commit("pat")
    assert _reasons(homefield) == []
