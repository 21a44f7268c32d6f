"""`homefield transfer` on a copy of this repository: the change it prepares is high impact,
needs both teams and a bar raiser, and leaves render drift-free."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest
from homefield.catalog import load_slos
from homefield.cli import app
from typer.testing import CliRunner

from .conftest import ScratchRepo

REPO = Path(__file__).resolve().parents[4]
NOBODY = "http://127.0.0.1:9"  # the discard port: no Alertmanager answers there


class ShopCopy(ScratchRepo):
    """This repository's committed tree as the first commit of a scratch repository."""

    def __init__(self, root: Path) -> None:
        self.root = root
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "HEAD"], capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(root, filter="data")
        self.git("init", "-q", "-b", "main")
        self.base = self.commit("pat", "base")
        self.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")


@pytest.fixture(scope="module")
def transferred(tmp_path_factory: pytest.TempPathFactory) -> tuple[ShopCopy, dict, str, str]:
    shop = ShopCopy(tmp_path_factory.mktemp("shop"))
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(shop.root)
        out = runner.invoke(
            app,
            [
                "transfer",
                "payments",
                "--to",
                "fulfillment",
                "--alertmanager",
                NOBODY,
                "--format",
                "json",
            ],
        )
        assert out.exit_code == 0, out.stderr
        shop.commit("dan", "Transfer payments to fulfillment")
        check = runner.invoke(app, ["check", "--base", shop.base, "--format", "json", "--no-buf"])
        drift = runner.invoke(app, ["render", "--check"])
    assert check.exit_code == 1, check.stderr
    assert drift.exit_code == 0, drift.stdout + drift.stderr
    return shop, json.loads(out.stdout), check.stdout, drift.stdout


def test_the_owners_of_the_service_and_its_protos_name_the_new_team(transferred):
    shop, plan, _, _ = transferred
    for path in ("services/payments/OWNERS", "protos/shop/payments/OWNERS"):
        assert (shop.root / path).read_text().startswith("team: fulfillment\n"), path
    changelog = (shop.root / "services/payments/CHANGELOG.md").read_text()
    assert "transferred from payments to fulfillment" in changelog
    rules = (shop.root / "deploy/prometheus/rules/payments.rules.yml").read_text()
    assert "team: fulfillment" in rules and "team: payments" not in rules
    assert "deploy/prometheus/rules/payments.rules.yml" in plan["written"]
    assert "deploy/k8s/services/payments/base/deployment.yaml" in plan["written"]


def test_the_takeover_list_names_slos_runbook_sections_and_dependants(transferred):
    _, plan, _, _ = transferred
    take = plan["takeover"]
    slos = load_slos(REPO / "services/payments/slo.yaml").slos
    assert take["slos"] == [f"{s.name} ({s.objective:g}%)" for s in slos]
    runbook = (REPO / "services/payments/RUNBOOK.md").read_text()
    assert all(f"## {section}" in runbook for section in take["runbook_sections"])
    assert len(take["runbook_sections"]) >= len(slos)
    assert ["orders", "checkout"] in take["dependants"]
    assert take["alerts_problem"].startswith("open alerts unknown: Alertmanager at")


def test_check_treats_the_transfer_as_high_impact_needing_both_teams(transferred):
    _, _, check, _ = transferred
    report = json.loads(check)
    raiser = report["bar_raiser"]
    assert raiser["required"]
    assert any("ownership moves from payments to fulfillment" in r for r in raiser["reasons"])
    teams = {r["team"] for r in report["approvals"]["missing"]}
    assert {"payments", "fulfillment"} <= teams


def test_render_stays_drift_free(transferred):
    _, _, _, drift = transferred
    assert "generated files are up to date" in drift


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["nosuch", "--to", "fulfillment"], "unknown service 'nosuch'"),
        (["../payments", "--to", "fulfillment"], "unknown service '../payments'"),
        (["payments", "--to", "nobody"], "unknown team 'nobody'"),
        (["payments", "--to", "fulfillment"], "payments is already owned by fulfillment"),
        (["payments", "--to", "fulfillment", "--format", "xml"], "--format must be text or json"),
    ],
)
def test_hostile_input_is_refused_in_one_line(transferred, args, problem, monkeypatch):
    shop, _, _, _ = transferred
    monkeypatch.chdir(shop.root)
    before = shop.git("status", "--porcelain")
    result = CliRunner().invoke(app, ["transfer", *args, "--alertmanager", NOBODY])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {problem}"), result.stderr
    assert shop.git("status", "--porcelain") == before


def test_a_transfer_over_uncommitted_edits_is_refused(transferred, monkeypatch):
    shop, _, _, _ = transferred
    monkeypatch.chdir(shop.root)
    shop.append("services/orders/CHANGELOG.md", "- an edit not yet committed\n")
    before = shop.git("status", "--porcelain")
    result = CliRunner().invoke(
        app, ["transfer", "orders", "--to", "payments", "--alertmanager", NOBODY]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: commit or stash your edits to services/orders/CHANGELOG.md before a transfer"
    )
    assert shop.git("status", "--porcelain") == before
    shop.git("checkout", "--", "services/orders/CHANGELOG.md")


def test_a_retired_team_takes_on_nothing_new(transferred, monkeypatch):
    shop, _, _, _ = transferred
    monkeypatch.chdir(shop.root)
    teams = shop.root / "teams.yaml"
    original = teams.read_text(encoding="utf-8")
    mission = '    mission: "Tell customers what happened to their order, once and promptly."\n'
    assert mission in original
    teams.write_text(original.replace(mission, mission + "    retired: true\n"), encoding="utf-8")
    try:
        result = CliRunner().invoke(
            app, ["transfer", "orders", "--to", "customer-comms", "--alertmanager", NOBODY]
        )
    finally:
        teams.write_text(original, encoding="utf-8")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: team 'customer-comms' is retired in teams.yaml and takes on nothing new"
    )
    assert not shop.git("status", "--porcelain", "--", "services/orders")
