"""The JSON contract, the exit codes and the text and Markdown reports of `homefield check`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HOMEFIELD = str(Path(sys.executable).parent / "homefield")


def test_json_report_has_the_documented_keys(scratch, homefield):
    scratch.append("services/orders/src/orders/handlers.py", "\nX = 1\n")
    scratch.commit("dan")
    report = homefield.check().report
    assert set(report) >= {
        "verdict",
        "author",
        "author_team",
        "services",
        "findings",
        "approvals",
        "bar_raiser",
    }
    assert report["verdict"] == "blocked"
    assert (report["author"], report["author_team"]) == ("dan", "fulfillment")
    assert set(report["services"][0]) >= {"name", "home_team", "contribution"}
    for finding in report["findings"]:
        assert set(finding) == {"rule", "severity", "service", "path", "message"}
        assert finding["severity"] in ("block", "warn")
    assert set(report["approvals"]) == {"required", "given", "missing"}
    assert set(report["bar_raiser"]) >= {"required", "reasons", "satisfied_by", "override"}


def test_passing_change_exits_zero_with_text_and_markdown(scratch, homefield):
    scratch.append("README.md", "more\n")
    scratch.commit("pat")
    code, text, _ = homefield.run("check", "--base", scratch.base)
    assert code == 0
    assert text.startswith("homefield check: PASS")
    code, markdown, _ = homefield.run("check", "--base", scratch.base, "--format", "markdown")
    assert code == 0
    assert markdown.startswith("### homefield check: passed")


def test_blocked_markdown_lists_each_finding(scratch, homefield):
    scratch.append("services/orders/src/orders/handlers.py", "\nX = 1\n")
    scratch.commit("dan")
    code, markdown, _ = homefield.run("check", "--base", scratch.base, "--format", "markdown")
    assert code == 1
    assert "| block | `away.tests-required` | `orders`" in markdown


def test_author_option_overrides_the_commit_author(scratch, homefield):
    scratch.append("services/orders/src/orders/handlers.py", "\nX = 1\n")
    scratch.commit("dan")
    result = homefield.check("--author", "alice")
    assert result.report["services"][0]["contribution"] == "home"
    assert result.code == 0


def run_binary(cwd, *args):
    return subprocess.run([HOMEFIELD, *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_unknown_revision_is_a_usage_error(scratch):
    proc = run_binary(scratch.root, "check", "--base", "no-such-branch")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: unknown revision 'no-such-branch'"


def test_unreadable_reviews_file_is_a_usage_error(scratch, tmp_path):
    proc = run_binary(
        scratch.root, "check", "--base", "HEAD", "--reviews", str(tmp_path / "none.json")
    )
    assert proc.returncode == 2
    assert "none.json: cannot read reviews" in proc.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("[{")
    proc = run_binary(scratch.root, "check", "--base", "HEAD", "--reviews", str(bad))
    assert proc.returncode == 2
    assert "bad.json:1: invalid JSON" in proc.stderr


def test_invalid_owners_at_base_names_file_and_line(scratch):
    scratch.write("services/orders/OWNERS", "team: checkout\napprovers: []\n")
    scratch.base = scratch.commit("bob")
    proc = run_binary(scratch.root, "check", "--base", scratch.base)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: services/orders/OWNERS:2: approvers")
    assert "Traceback" not in proc.stderr


def test_unknown_author_option_is_a_usage_error(scratch):
    proc = run_binary(scratch.root, "check", "--base", "HEAD", "--author", "nobody")
    assert proc.returncode == 2
    assert "'nobody' is not a person in teams.yaml" in proc.stderr


def test_bad_format_is_a_usage_error(scratch):
    proc = run_binary(scratch.root, "check", "--base", "HEAD", "--format", "xml")
    assert proc.returncode == 2


def test_author_login_outranks_a_posed_git_email(scratch, homefield):
    scratch.append("services/orders/src/orders/handlers.py", "\nX = 1\n")
    scratch.commit("alice")  # the git email of a checkout member, set by anyone
    result = homefield.check("--author-login", "dan-gh")
    assert (result.report["author"], result.report["author_team"]) == ("dan", "fulfillment")
    assert result.report["author_source"] == "GitHub login dan-gh"
    assert result.report["services"][0]["contribution"] == "away"
    assert result.code == 1


def test_an_unknown_login_is_away_everywhere_and_flagged(scratch, homefield):
    scratch.append("services/orders/src/orders/handlers.py", "\nX = 1\n")
    scratch.commit("alice")
    result = homefield.check("--author-login", "alice")
    assert (result.report["author"], result.report["author_team"]) == ("@alice", None)
    assert result.report["services"][0]["contribution"] == "away"
    assert any("not in teams.yaml" in m for m in result.messages("approvals.home-team-required"))
    assert result.code == 1


def test_reports_say_which_source_identified_the_author(scratch, homefield):
    scratch.append("README.md", "more\n")
    scratch.commit("pat")
    _, text, _ = homefield.run("check", "--base", scratch.base)
    assert "author: pat (platform), identified by git author email pat@shop.test" in text
    args = ("check", "--base", scratch.base, "--format", "markdown", "--author-login", "pat-gh")
    _, markdown, _ = homefield.run(*args)
    assert "Author: `pat` (platform), identified by GitHub login pat-gh" in markdown


def test_author_and_author_login_together_are_a_usage_error(scratch):
    args = ("check", "--base", "HEAD", "--author", "dan", "--author-login", "dan-gh")
    proc = run_binary(scratch.root, *args)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: give --author or --author-login, not both"


def test_a_symlink_under_protos_blocks_with_a_message_not_a_traceback(scratch):
    scratch.append("protos/shop/orders/v1/orders.proto", "// orders, version 1\n")
    (scratch.root / "protos/shop/orders/v1/latest.proto").symlink_to("/etc/hostname")
    scratch.commit("alice")
    proc = run_binary(scratch.root, "check", "--base", scratch.base)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "BLOCK protos.lint  orders protos/shop/orders/v1/latest.proto" in proc.stdout
    assert "protos/shop/orders/v1/latest.proto is a symlink" in proc.stdout
