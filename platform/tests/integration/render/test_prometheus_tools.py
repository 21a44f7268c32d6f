"""The generated rules and routing pass the real Prometheus and Alertmanager tools."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from homefield.catalog import Catalog, ServiceEntry
from homefield.usage.synthetic import raw_series

REPO = Path(__file__).resolve().parents[4]
SERVICES = sorted(Catalog.load(REPO).services)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run `make setup`")
    return path


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_promtool_accepts_every_rules_file(rendered: Path) -> None:
    files = sorted(str(p) for p in (rendered / "deploy/prometheus/rules").glob("*.rules.yml"))
    assert len(files) == 2 * len(SERVICES) + 2  # SLO and usage per service, platform, teams
    result = _run(_tool("promtool"), "check", "rules", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_local_prometheus_config(rendered: Path) -> None:
    result = _run(
        _tool("promtool"), "check", "config", str(rendered / "deploy/prometheus/prometheus.yml")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{2 * len(SERVICES) + 2} rule files found" in result.stdout


@pytest.mark.parametrize("name", [*SERVICES, "platform"])
def test_generated_alert_scenarios_pass_promtool(rendered: Path, name: str) -> None:
    """Fast burst pages with the team and runbook; slow leak tickets only; healthy is silent;
    failing every event (no success series at all) pages."""
    test_file = rendered / f"deploy/prometheus/tests/{name}.test.yml"
    scenarios = yaml.safe_load(test_file.read_text())["tests"]
    if name in SERVICES:
        titles = {test["name"].split(": ", 1)[1] for test in scenarios}
        assert titles == {
            "a fast error burst pages",
            "a slow leak opens only a ticket",
            "healthy traffic fires nothing",
            "every event failing pages",
        }
    result = _run(_tool("promtool"), "test", "rules", str(test_file))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_fails_a_scenario_when_the_team_label_is_wrong(
    rendered: Path, tmp_path: Path
) -> None:
    source = rendered / "deploy/prometheus/tests/notifications.test.yml"
    broken = tmp_path / "tests" / "notifications.test.yml"
    broken.parent.mkdir()
    broken.write_text(source.read_text().replace("team: customer-comms", "team: checkout"))
    shutil.copytree(rendered / "deploy/prometheus/rules", tmp_path / "rules")
    result = _run(_tool("promtool"), "test", "rules", str(broken))
    assert result.returncode != 0


@pytest.mark.parametrize(
    "config", ["deploy/alertmanager/alertmanager.yml", "deploy/compose/alertmanager.yml"]
)
def test_amtool_accepts_the_routing(rendered: Path, config: str) -> None:
    result = _run(_tool("amtool"), "check-config", str(rendered / config))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (("team=payments", "severity=page"), "payments-oncall"),
        (("team=payments", "severity=ticket"), "payments-channel"),
        (("team=fulfillment", "severity=page"), "fulfillment-oncall"),
        (("severity=page",), "platform-oncall"),
        (("team=nobody", "severity=page"), "platform-oncall"),
        (("team=nobody", "severity=ticket"), "platform-channel"),
        (("team=leadership", "severity=notice"), "leadership-channel"),
    ],
)
def test_alerts_reach_their_teams_receiver(
    rendered: Path, labels: tuple[str, ...], receiver: str
) -> None:
    config = str(rendered / "deploy/alertmanager/alertmanager.yml")
    result = _run(_tool("amtool"), "config", "routes", "test", f"--config.file={config}", *labels)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == receiver


# promtool evaluates every loaded usage rule at every 15-minute step of 8 and 22 days.
@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", ["usage", "usage-median"])
def test_generated_usage_scenarios_pass_promtool(rendered: Path, name: str) -> None:
    """Steady, seasonal, a real surge, a planned surge, a climb to the limit, and the
    three-week median outvoting an outage: each flags exactly what it should."""
    result = _run(
        _tool("promtool"),
        "test",
        "rules",
        str(rendered / f"deploy/prometheus/tests/{name}.test.yml"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.timeout(300)
def test_promtool_fails_the_usage_case_when_a_planned_mark_is_ignored(
    rendered: Path, tmp_path: Path
) -> None:
    """The planned surge really is silenced by the mark: the planned signals' surge alone
    passes with the service's rules as rendered (nothing flagged), and fails once the mark is
    taken out of them, because the planned signal's ticket fires."""
    planned = next(e for e in Catalog.load(REPO).services.values() if e.spec.planned_growth)
    signals = {f'signal="{m.signal}"' for m in planned.spec.planned_growth}
    source = rendered / f"deploy/prometheus/rules/{planned.name}.usage.rules.yml"
    case = yaml.safe_load((rendered / "deploy/prometheus/tests/usage.test.yml").read_text())
    case["rule_files"] = [f"../rules/{source.name}"]
    case["group_eval_order"] = [g for g in case["group_eval_order"] if g.startswith(planned.name)]
    test = case["tests"][0]
    test["input_series"] = [
        x for x in test["input_series"] if _raw_signal(planned, x["series"]) in signals
    ]
    assert test["input_series"]
    for alert in test["alert_rule_test"]:
        alert["exp_alerts"] = []
    test["promql_expr_test"] = []
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/usage.test.yml").write_text(yaml.safe_dump(case))
    lines = source.read_text().splitlines()
    unmarked = [x for x in lines if "unless on () (vector(time())" not in x]
    assert len(unmarked) < len(lines)

    outcomes = []
    for rules in (lines, unmarked):
        (tmp_path / "rules" / source.name).write_text("\n".join(rules) + "\n")
        test_file = str(tmp_path / "tests/usage.test.yml")
        outcomes.append(_run(_tool("promtool"), "test", "rules", test_file))
    marked, without = outcomes
    assert marked.returncode == 0, marked.stdout + marked.stderr
    assert without.returncode != 0
    got = (without.stdout + without.stderr).split("got:", 1)[-1]
    assert 'alertname="UsageGrowth"' in got
    assert all(signal in got for signal in signals)


def _raw_signal(entry: ServiceEntry, series: str) -> str:
    """The usage signal of ``entry`` whose raw series is ``series``, as a label matcher."""
    for signal in entry.spec.signals:
        if raw_series(entry, signal.name).selector == series:
            return f'signal="{signal.name}"'
    return ""
