"""`homefield check`'s SLO rules on scratch repositories: an SLO change needs its runbook, the
objective and the runbook section are checked, and every SLO names a method or handler that
bootstrap.py registers (read with ast, never run)."""

from __future__ import annotations

ORDERS_CHANGELOG = "services/orders/CHANGELOG.md"


def test_slo_change_without_runbook_update_blocks(scratch, homefield):
    slo = scratch.root / "services/orders/slo.yaml"
    scratch.write("services/orders/slo.yaml", slo.read_text().replace("99.9", "99.5"))
    scratch.append(ORDERS_CHANGELOG, "- looser objective (fulfillment)\n")
    scratch.commit("dan")
    blocked = homefield.check(reviews=scratch.reviews("alice", "hiro"))
    assert blocked.rules() == {"away.runbook-required"}
    scratch.append("services/orders/RUNBOOK.md", "\nObjective is now 99.5.\n")
    scratch.commit("dan")
    passed = homefield.check(reviews=scratch.reviews("alice", "hiro"))
    assert passed.code == 0
    assert passed.report["bar_raiser"]["reasons"] == ["services/orders/slo.yaml changed"]


def test_invalid_slo_objective_blocks(scratch, homefield):
    slo = scratch.root / "services/orders/slo.yaml"
    scratch.write("services/orders/slo.yaml", slo.read_text().replace("99.9", "100"))
    scratch.append("services/orders/RUNBOOK.md", "\n")
    scratch.commit("alice")
    result = homefield.check(reviews=scratch.reviews("hiro"))
    assert result.rules() == {"slo.invalid"}
    assert result.messages("slo.invalid")[0].startswith("services/orders/slo.yaml:3:")


def test_slo_without_a_runbook_section_blocks_and_with_one_passes(scratch, homefield):
    scratch.append(
        "services/orders/slo.yaml",
        "  - name: get-order-availability\n    objective: 99\n"
        "    sli: {kind: grpc-availability, method: GetOrder}\n",
    )
    scratch.append("services/orders/RUNBOOK.md", "\nMore notes.\n")
    scratch.commit("alice")
    blocked = homefield.check(reviews=scratch.reviews("hiro"))
    assert blocked.messages("slo.invalid") == [
        "SLO get-order-availability: services/orders/RUNBOOK.md has no section "
        "#get-order-availability"
    ]
    scratch.append("services/orders/RUNBOOK.md", "\n## get-order-availability\n\nSteps.\n")
    scratch.commit("alice")
    assert homefield.check(reviews=scratch.reviews("hiro")).code == 0


def test_renaming_a_registered_method_an_slo_measures_blocks(scratch, homefield):
    bootstrap = "services/orders/src/orders/bootstrap.py"
    text = (scratch.root / bootstrap).read_text()
    scratch.write(bootstrap, text.replace('"PlaceOrder"', '"Place"'))
    scratch.commit("alice")
    result = homefield.check(reviews=scratch.reviews("bob"))
    assert result.messages("slo.invalid") == [
        "services/orders/slo.yaml: SLO place-order-availability: gRPC method 'PlaceOrder' is not"
        f" registered in {bootstrap} (registered: GetOrder, Place)"
    ]
    assert result.code == 1


def test_an_slo_naming_an_unregistered_handler_blocks(scratch, homefield):
    scratch.append(
        "services/orders/slo.yaml",
        "  - name: record-availability\n    objective: 99\n"
        "    sli: {kind: event-availability, handler: record_orders}\n",
    )
    scratch.append("services/orders/RUNBOOK.md", "\n## record-availability\n\nSteps.\n")
    scratch.commit("alice")
    result = homefield.check(reviews=scratch.reviews("hiro"))
    assert result.messages("slo.invalid") == [
        "services/orders/slo.yaml: SLO record-availability: handler 'record_orders' is not"
        " registered in services/orders/src/orders/bootstrap.py (registered: record_order)"
    ]


def test_a_handler_name_that_is_not_a_literal_blocks_without_running_bootstrap(scratch, homefield):
    bootstrap = "services/orders/src/orders/bootstrap.py"
    text = (scratch.root / bootstrap).read_text()
    scratch.write(bootstrap, text.replace('"record_order"', '"record_" + __import__("os").sep'))
    scratch.commit("alice")
    result = homefield.check(reviews=scratch.reviews("bob"))
    assert result.messages("slo.invalid") == [
        f"{bootstrap}:5: a handler name must be written as string literals"
    ]
