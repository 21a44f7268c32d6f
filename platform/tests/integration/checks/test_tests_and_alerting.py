"""Deleted tests in disguise (item 3), noise as tests (item 4), alerting by any name (item 13)."""

from __future__ import annotations

import os

import pytest

ORDERS_SRC = "services/orders/src/orders/handlers.py"
ORDERS_TEST = "services/orders/tests/unit/test_orders.py"
TESTS_REQUIRED = "away.tests-required"


def _reasons(homefield):
    return homefield.check().report["bar_raiser"]["reasons"]


def test_a_test_renamed_out_of_tests_is_high_impact(scratch, homefield):
    scratch.git("mv", ORDERS_TEST, "services/orders/test_orders.py")
    scratch.commit("alice")
    assert any(r.startswith(f"{ORDERS_TEST} renamed to") for r in _reasons(homefield))


def test_a_test_moved_to_docs_is_high_impact(scratch, homefield):
    scratch.git("mv", ORDERS_TEST, "services/orders/docs.md")
    scratch.commit("alice")
    assert any(r.startswith(f"{ORDERS_TEST} renamed to") for r in _reasons(homefield))


def test_a_test_replaced_by_a_symlink_is_high_impact(scratch, homefield):
    scratch.delete(ORDERS_TEST)
    os.symlink("../../README.md", scratch.root / ORDERS_TEST)
    scratch.commit("alice")
    assert f"{ORDERS_TEST} replaced by a symlink" in _reasons(homefield)


def _stage_gitlink(scratch, path: str) -> None:
    """Stage a gitlink (a submodule commit) at ``path``. Its directory must exist, as an
    unpopulated submodule's does in a clone: `git add -A` drops a gitlink whose path is absent."""
    (scratch.root / path).mkdir(parents=True, exist_ok=True)
    sha = scratch.git("rev-parse", "HEAD")
    scratch.git("update-index", "--add", "--cacheinfo", f"160000,{sha},{path}")


def _committed_mode(scratch, path: str) -> str:
    return scratch.git("ls-tree", "HEAD", "--", path).split(" ")[0]


def test_a_test_replaced_by_a_gitlink_is_high_impact(scratch, homefield):
    scratch.delete(ORDERS_TEST)
    scratch.git("rm", "-q", "--cached", ORDERS_TEST)
    _stage_gitlink(scratch, ORDERS_TEST)
    scratch.commit("alice")
    assert _committed_mode(scratch, ORDERS_TEST) == "160000"
    assert f"{ORDERS_TEST} replaced by a gitlink (submodule)" in _reasons(homefield)


def test_an_emptied_test_is_high_impact(scratch, homefield):
    scratch.write(ORDERS_TEST, "# nothing to see\n")
    scratch.commit("alice")
    assert f"{ORDERS_TEST} emptied: its 1 tests are gone" in _reasons(homefield)


def test_a_renamed_test_directory_is_high_impact(scratch, homefield):
    scratch.git("mv", "services/orders/tests", "services/orders/tests_off")
    scratch.commit("alice")
    assert any(r.startswith(f"{ORDERS_TEST} renamed to") for r in _reasons(homefield))


def test_a_test_moved_between_test_directories_is_not_a_deletion(scratch, homefield):
    (scratch.root / "services/orders/tests/integration").mkdir()
    scratch.git("mv", ORDERS_TEST, "services/orders/tests/integration/test_orders.py")
    scratch.commit("alice")
    assert _reasons(homefield) == []


def _away_source_change(scratch):
    scratch.append(ORDERS_SRC, "\n\ndef refund() -> int:\n    return 0\n")
    scratch.append("services/orders/CHANGELOG.md", "- refunds (fulfillment)\n")


@pytest.mark.parametrize(
    "noise",
    ["mode", "notes", "whitespace", "comment", "gitlink"],
)
def test_noise_under_tests_does_not_meet_tests_required(scratch, homefield, noise):
    _away_source_change(scratch)
    if noise == "mode":
        os.chmod(scratch.root / ORDERS_TEST, 0o755)
    elif noise == "notes":
        scratch.write("services/orders/tests/NOTES.txt", "tests to come\n")
    elif noise == "whitespace":
        scratch.append(ORDERS_TEST, "\n\n   \n")
    elif noise == "comment":
        scratch.append(ORDERS_TEST, "# a test for refund would go here\n")
    else:
        _stage_gitlink(scratch, "services/orders/tests/sub")
    scratch.commit("dan")
    if noise == "gitlink":
        assert _committed_mode(scratch, "services/orders/tests/sub") == "160000"
    assert TESTS_REQUIRED in homefield.check().rules()


def test_a_real_test_change_meets_tests_required(scratch, homefield):
    _away_source_change(scratch)
    scratch.append(ORDERS_TEST, "\n\ndef test_refund() -> None:\n    assert 0 == 0\n")
    scratch.commit("dan")
    assert TESTS_REQUIRED not in homefield.check().rules()


def test_deleting_page_alerts_in_a_prometheusrule_needs_the_runbook(scratch, homefield):
    rule = "deploy/k8s/services/orders/base/prometheusrule.yaml"
    scratch.write(rule, "kind: PrometheusRule\nspec: {groups: [{name: pages, rules: []}]}\n")
    scratch.base = scratch.commit("pat", "orders pages")
    scratch.write(rule, "kind: PrometheusRule\nspec: {groups: []}\n")
    scratch.commit("dan", "quiet")
    result = homefield.check()
    assert "away.runbook-required" in result.rules()
    assert any(rule in m for m in result.messages("away.runbook-required"))
