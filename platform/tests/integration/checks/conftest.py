"""Scratch git repositories: a small shop with two services, committed by people from teams.yaml."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from homefield.cli import app
from typer.testing import CliRunner

STAFF = {
    "platform": ["pat", "quinn", "rosa"],
    "checkout": ["alice", "bob", "carol"],
    "fulfillment": ["dan", "erin", "farid"],
    "payments": ["gina", "hiro", "ines"],
}


def teams_yaml() -> str:
    lines = ["people:"]
    for members in STAFF.values():
        for pid in members:
            lines.append(
                f"  {pid}: {{name: {pid.title()}, email: {pid}@shop.test, github: {pid}-gh}}"
            )
    lines.append("teams:")
    for team, members in STAFF.items():
        lines += [
            f"  {team}:",
            f"    members: [{', '.join(members)}]",
            f"    oncall: [{', '.join(members)}]",
            f'    channel: "#{team}"',
        ]
    lines.append("bar_raisers: [quinn, erin, hiro]")
    return "\n".join(lines) + "\n"


SLO_YAML = """\
slos:
  - name: place-order-availability
    objective: 99.9
    sli: {kind: grpc-availability, method: PlaceOrder}
"""
BOOTSTRAP = """\
from homefield.runtime import ServiceApp


def build(app: ServiceApp) -> ServiceApp:
    app.handle("record_order", object, print)
    app.add_grpc(print, object(), methods=["PlaceOrder", "GetOrder"])
    return app
"""
RUNBOOK = (
    "# Runbook\n\n## place-order-availability\n\nSymptom: orders fail.\n"
    "\n## Usage growth\n\nSymptom: a usage signal grows unusually.\n"
)
ORDERS_PROTO = """\
syntax = "proto3";

package shop.orders.v1;

// Order is one customer order.
message Order {
  string order_id = 1;
  int32 quantity = 2;
}
"""
BUF_YAML = """\
version: v2
modules:
  - path: .
lint:
  use: [STANDARD]
breaking:
  use: [WIRE_JSON]
"""


def service_files(
    name: str, team: str, approvers: list[str], tier: int, port: int
) -> dict[str, str]:
    home = f"services/{name}"
    grpc = f"{{port: {port}, provides: [shop.{name}.v1.{name.title()}Service]}}"
    spec = f"name: {name}\ntier: {tier}\ngrpc: {grpc}\nhttp: {{port: {port - 50000}}}\n"
    return {
        f"{home}/OWNERS": f"team: {team}\napprovers: [{', '.join(approvers)}]\n",
        f"{home}/service.yaml": spec,
        f"{home}/pyproject.toml": f'[project]\nname = "{name}"\nversion = "0.1.0"\n',
        f"{home}/slo.yaml": SLO_YAML,
        f"{home}/RUNBOOK.md": RUNBOOK,
        f"{home}/PRFAQ.md": f"# {name}\n\nCustomers get their orders.\n",
        f"{home}/CHANGELOG.md": "# Changelog\n\n- first release (checkout)\n",
        f"{home}/src/{name}/__init__.py": "",
        f"{home}/src/{name}/handlers.py": "def handle() -> int:\n    return 1\n",
        f"{home}/src/{name}/bootstrap.py": BOOTSTRAP,
        f"{home}/tests/unit/test_{name}.py": "def test_handle() -> None:\n    assert True\n",
        f"deploy/grafana/dashboards/{name}.json": f'{{"uid": "homefield-{name}"}}\n',
    }


def base_files() -> dict[str, str]:
    files = {
        "teams.yaml": teams_yaml(),
        "OWNERS": "team: platform\napprovers: [pat, quinn]\n",
        "README.md": "# scratch shop\n",
        "protos/buf.yaml": BUF_YAML,
        "protos/shop/orders/v1/orders.proto": ORDERS_PROTO,
        "protos/shop/orders/OWNERS": "team: checkout\napprovers: [alice, bob]\n",
    }
    files |= service_files("orders", "checkout", ["alice", "bob"], 1, 58091)
    files |= service_files("inventory", "fulfillment", ["dan", "erin"], 2, 58092)
    return files


class ScratchRepo:
    """A git repository in a temp dir; ``commit(person)`` commits as that teams.yaml person.

    ``base`` is also the default branch's tip as a clone sees it (origin/HEAD), where the check
    reads OWNERS and teams.yaml by default.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git("init", "-q", "-b", "main")
        self.write_all(base_files())
        self.base = self.commit("pat", "base")
        self.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")

    @property
    def base(self) -> str:
        return self._base

    @base.setter
    def base(self, sha: str) -> None:
        self._base = sha
        self.git("update-ref", "refs/remotes/origin/main", sha)

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
        out = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def write_all(self, files: dict[str, str]) -> None:
        for path, text in files.items():
            self.write(path, text)

    def append(self, path: str, text: str) -> None:
        self.write(path, (self.root / path).read_text(encoding="utf-8") + text)

    def delete(self, path: str) -> None:
        (self.root / path).unlink()

    def commit(self, person: str, message: str = "change") -> str:
        self.git("add", "-A")
        self.git(
            "-c",
            f"user.name={person.title()}",
            "-c",
            f"user.email={person}@shop.test",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
        )
        return self.git("rev-parse", "HEAD")

    def reviews(self, *approvals: str, state: str = "APPROVED", commit: str | None = None) -> Path:
        head = commit or self.git("rev-parse", "HEAD")
        data = [
            {"user": {"login": f"{pid}-gh"}, "state": state, "commit_id": head} for pid in approvals
        ]
        path = self.root.parent / "reviews.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path


class Homefield:
    """Runs the real `homefield` typer app in-process with the scratch repo as working directory."""

    def __init__(self, repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch) -> None:
        self.repo = repo
        monkeypatch.chdir(repo.root)
        self.runner = CliRunner()

    def run(self, *args: str) -> tuple[int, str, str]:
        result = self.runner.invoke(app, list(args))
        return result.exit_code, result.stdout, result.stderr

    def check(self, *args: str, reviews: Path | None = None) -> CheckResult:
        extra = ["--reviews", str(reviews)] if reviews else []
        code, out, err = self.run(
            "check", "--base", self.repo.base, "--format", "json", *extra, *args
        )
        assert code in (0, 1), err
        return CheckResult(code, json.loads(out))


class CheckResult:
    """The exit code and JSON report of one `homefield check` run."""

    def __init__(self, code: int, report: dict[str, Any]) -> None:
        self.code = code
        self.report = report

    def rules(self, severity: str = "block") -> set[str]:
        return {f["rule"] for f in self.report["findings"] if f["severity"] == severity}

    def messages(self, rule: str) -> list[str]:
        return [f["message"] for f in self.report["findings"] if f["rule"] == rule]


@pytest.fixture
def scratch(tmp_path: Path) -> ScratchRepo:
    (tmp_path / "repo").mkdir()
    return ScratchRepo(tmp_path / "repo")


@pytest.fixture
def homefield(scratch: ScratchRepo, monkeypatch: pytest.MonkeyPatch) -> Iterator[Homefield]:
    yield Homefield(scratch, monkeypatch)
