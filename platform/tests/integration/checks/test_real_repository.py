"""The commands on this repository itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
HOMEFIELD = str(Path(sys.executable).parent / "homefield")


def run(*args):
    return subprocess.run([HOMEFIELD, *args], cwd=REPO, capture_output=True, text=True, check=False)


def test_orders_source_belongs_to_checkout():
    proc = run("owners", "services/orders/src", "teams.yaml")
    assert proc.returncode == 0, proc.stderr
    orders, teams = proc.stdout.split("\n\n")
    assert "  team:       checkout" in orders.splitlines()
    assert "  decided by: services/orders/OWNERS (also OWNERS)" in orders.splitlines()
    assert "  team:       platform" in teams.splitlines()


def test_every_service_resolves_to_its_team():
    expected = {
        "storefront": "storefront",
        "orders": "checkout",
        "inventory": "fulfillment",
        "payments": "payments",
        "shipping": "fulfillment",
        "notifications": "customer-comms",
        "experiments": "weblab",
    }
    proc = run("owners", *(f"services/{name}" for name in expected))
    teams = [line.split()[-1] for line in proc.stdout.splitlines() if line.startswith("  team:")]
    assert teams == list(expected.values())


def test_an_empty_change_passes():
    proc = run(
        "check", "--base", "HEAD", "--head", "HEAD", "--owners-ref", "HEAD", "--format", "json"
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["verdict"], report["services"]) == ("pass", [])


def test_scorecard_lists_every_service():
    proc = run("scorecard", "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    names = {entry["name"] for entry in json.loads(proc.stdout)}
    assert {"orders", "inventory", "payments", "storefront"} <= names
