"""`homefield owners` and `homefield scorecard` on scratch repositories."""

from __future__ import annotations

import json


def test_owners_walks_up_and_takes_the_union(homefield):
    code, out, _ = homefield.run("owners", "services/orders/src")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "services/orders/src"
    assert "  team:       checkout" in lines
    assert "  approvers:  alice, bob, pat, quinn" in lines
    assert "  runbook:    services/orders/RUNBOOK.md" in lines
    assert "  decided by: services/orders/OWNERS (also OWNERS)" in lines
    assert any(line.startswith("  on call:    ") and "#checkout" in line for line in lines)


def test_no_parent_owners_stops_the_walk(scratch, homefield):
    scratch.write(
        "services/orders/OWNERS",
        "team: checkout\napprovers: [alice, bob]\nno_parent_owners: true\n",
    )
    scratch.commit("bob")
    code, out, _ = homefield.run("owners", "services/orders/service.yaml")
    assert "  approvers:  alice, bob" in out.splitlines()
    assert "  decided by: services/orders/OWNERS" in out.splitlines()


def test_owners_reads_the_revision_not_the_working_tree(scratch, homefield):
    scratch.write("services/orders/OWNERS", "team: fulfillment\napprovers: [dan]\n")
    code, out, _ = homefield.run("owners", "services/orders")
    assert "  team:       checkout" in out.splitlines()


def test_owners_of_a_path_outside_services_is_the_root(homefield):
    code, out, _ = homefield.run("owners", "README.md", ".")
    assert code == 0
    assert out.count("  team:       platform") == 2


def test_owners_with_a_broken_owners_file_names_file_and_line(scratch, homefield):
    scratch.write("services/orders/OWNERS", "team: checkout\napprovers: [alice, ghost]\n")
    scratch.commit("bob")
    code, _, err = homefield.run("owners", "services/orders")
    assert code == 2
    assert err.startswith("error: services/orders/OWNERS:2: approvers.1: unknown person 'ghost'")


def test_scorecard_passes_a_service_in_good_order(homefield):
    code, out, _ = homefield.run("scorecard")
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:] if line}
    assert rows["orders"][-1] == "pass"
    assert rows["inventory"][-1] == "pass"


def test_scorecard_fails_when_a_tier_one_runbook_lacks_an_slo_section(scratch, homefield):
    scratch.write("services/orders/RUNBOOK.md", "# Runbook\n")
    scratch.commit("alice")
    code, out, err = homefield.run("scorecard")
    assert code == 1
    assert "orders: runbook: no section for #place-order-availability" in out
    assert "tier-1 services failing: orders" in err


def test_scorecard_reports_but_does_not_fail_on_tier_two(scratch, homefield):
    scratch.delete("services/inventory/PRFAQ.md")
    scratch.delete("services/inventory/tests/unit/test_inventory.py")
    scratch.commit("dan")
    code, out, _ = homefield.run("scorecard", "--format", "json")
    assert code == 0
    inventory = next(s for s in json.loads(out) if s["name"] == "inventory")
    assert inventory["passed"] is False
    assert inventory["problems"]["PRFAQ"] == "services/inventory/PRFAQ.md missing or empty"
    assert inventory["problems"]["tests"].startswith("no test_*.py")


def test_scorecard_flags_invalid_owners_and_unowned_files(scratch, homefield):
    scratch.delete("OWNERS")
    scratch.write("services/orders/OWNERS", "team: nobody\napprovers: [alice]\n")
    scratch.commit("pat")
    code, out, _ = homefield.run("scorecard", "--format", "json")
    assert code == 1
    orders = next(s for s in json.loads(out) if s["name"] == "orders")
    assert orders["problems"]["OWNERS"].startswith("services/orders/OWNERS:1: team")
    assert orders["problems"]["owned"] == "11 unowned files, e.g. services/orders/CHANGELOG.md"


def test_owners_of_a_new_path_says_it_is_not_in_the_revision(homefield):
    code, out, _ = homefield.run("owners", "services/orders/src/orders/refunds.py")
    assert code == 0
    assert "  team:       checkout" in out.splitlines()
    assert out.splitlines()[-1].startswith("  note:       not in this revision")


def test_scorecard_as_markdown_is_a_table(homefield):
    code, out, _ = homefield.run("scorecard", "--format", "markdown")
    assert code == 0
    assert out.splitlines()[0].startswith("| service | team | tier | OWNERS |")
    assert "| orders | checkout | 1 | ok |" in out
