"""Verified overrides (item 12) and leadership visibility (item 15), with a real Alertmanager."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.request

import uvicorn
from homefield.catalog import parse_teams
from homefield.local.alertsink import AlertStore, build_app
from homefield.local.health import free_port
from homefield.ownership import GitRepo
from homefield.ownership.notes import read_note
from homefield.slo.alertmanager import alertmanager_config

LEADERSHIP = (
    'bar_raisers_of_last_resort: [vic]\nleadership: {people: [vic], channel: "#leadership"}\n'
)


def _with_leadership(scratch):
    text = (
        (scratch.root / "teams.yaml")
        .read_text()
        .replace("people:\n", "people:\n  vic: {name: Vic, email: vic@shop.test, github: vic-gh}\n")
    )
    scratch.write("teams.yaml", text + LEADERSHIP)
    scratch.base = scratch.commit("pat", "leadership")


def _override(scratch, reason):
    scratch.append("services/orders/src/orders/handlers.py", "\n\ndef f() -> int:\n    return 0\n")
    scratch.append(
        "services/orders/tests/unit/test_orders.py", "\n\ndef test_f() -> None:\n    assert True\n"
    )
    scratch.append("services/orders/CHANGELOG.md", "- f (fulfillment)\n")
    scratch.append("services/orders/service.yaml", "consumes: [inventory.v1]\n")
    return scratch.commit("dan", f"orders: f\n\nBar-Raiser-Override: {reason}")


def test_record_writes_the_verified_verdict_and_the_ledger_reads_it(scratch, homefield):
    _with_leadership(scratch)
    head = _override(scratch, "the outage needs it now")
    args = ("--author-login", "dan-gh", "--record")
    result = homefield.check(*args, reviews=scratch.reviews("alice"))
    assert result.code == 0
    note = read_note(GitRepo(scratch.root), head)
    assert (note.author_login, note.override, note.approvals) == (
        "dan-gh",
        "the outage needs it now",
        ("alice",),
    )
    code, ledger, _ = homefield.run("ledger")
    assert code == 0
    assert "dan (@dan-gh)" in ledger.splitlines()[1]


def test_an_override_without_a_note_is_unverified(scratch, homefield):
    _override(scratch, "forged by email")
    code, ledger, _ = homefield.run("ledger")
    assert code == 0
    header, row = ledger.splitlines()[:2]
    assert "(unverified: no verdict note)" in row
    assert row.index("forged by email") == header.index("reason")  # the long "by" fits its column


def test_record_without_a_verified_login_is_refused(scratch, homefield):
    code, _, err = homefield.run("check", "--base", scratch.base, "--record")
    assert code == 2
    assert "--record needs --author-login" in err


def test_ledger_since_lists_a_period(scratch, homefield):
    _override(scratch, "late night fix")
    assert "late night fix" in homefield.run("ledger", "--since", "2000-01-01")[1]
    assert homefield.run("ledger", "--since", "2999-01-01")[1].startswith("no bar-raiser")
    code, _, err = homefield.run("ledger", "--since", "last week")
    assert code == 2
    assert "YYYY-MM-DD" in err


def _wait(predicate, what, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _ready(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_a_merged_override_reaches_leadership_through_alertmanager(scratch, homefield, tmp_path):
    _with_leadership(scratch)
    before = scratch.base
    _override(scratch, "ship it")
    store = AlertStore(tmp_path / "sink")
    sink_port = free_port()
    sink = uvicorn.Server(
        uvicorn.Config(build_app(store), host="127.0.0.1", port=sink_port, log_level="warning")
    )
    sink_thread = threading.Thread(target=sink.run, daemon=True)
    sink_thread.start()
    teams = parse_teams((scratch.root / "teams.yaml").read_text())
    config = alertmanager_config(
        teams, fallback_team="platform", sink=f"http://127.0.0.1:{sink_port}"
    )
    (tmp_path / "am.yml").write_text(json.dumps(config))
    port = free_port()
    alertmanager = subprocess.Popen(
        [
            "prometheus-alertmanager",
            f"--config.file={tmp_path / 'am.yml'}",
            f"--storage.path={tmp_path / 'am'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: sink.started, "the alert sink to listen")
        _wait(lambda: _ready(f"http://127.0.0.1:{port}/-/ready"), "Alertmanager to be ready")
        code, out, err = homefield.run(
            "ledger", "--new-since", before, "--notify", f"http://127.0.0.1:{port}"
        )
        assert code == 0, err
        assert "ship it" in out
        _wait(lambda: store.read("leadership"), "the notice at the leadership receiver")
        (notice,) = store.read("leadership")
        assert notice["receiver"] == "leadership-channel"
        assert notice["labels"]["alertname"] == "BarRaiserOverride"
    finally:
        alertmanager.terminate()
        alertmanager.wait(timeout=30)
        sink.should_exit = True
        sink_thread.join(timeout=30)
