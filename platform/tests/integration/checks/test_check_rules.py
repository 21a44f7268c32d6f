"""Each rule of `homefield check`, blocking and passing, on scratch repositories."""

from __future__ import annotations

import pytest

ORDERS_SRC = "services/orders/src/orders/handlers.py"
ORDERS_TEST = "services/orders/tests/unit/test_orders.py"
ORDERS_CHANGELOG = "services/orders/CHANGELOG.md"
INVENTORY_SRC = "services/inventory/src/inventory/handlers.py"
INVENTORY_TEST = "services/inventory/tests/unit/test_inventory.py"
PROTO = "protos/shop/orders/v1/orders.proto"


def away_fix(scratch, *, tests=True, changelog=True):
    scratch.append(ORDERS_SRC, "\n\ndef refund() -> int:\n    return 0\n")
    if tests:
        scratch.append(ORDERS_TEST, "\n\ndef test_refund() -> None:\n    assert True\n")
    if changelog:
        scratch.append(ORDERS_CHANGELOG, "- refunds return zero (fulfillment)\n")
    return scratch.commit("dan", "orders: refunds")


def test_unowned_file_blocks_and_an_owned_one_passes(scratch, homefield):
    scratch.delete("OWNERS")
    scratch.base = scratch.commit("pat", "drop root OWNERS")
    scratch.write("docs/notes.md", "notes\n")
    scratch.write("services/orders/docs.md", "more\n")
    scratch.commit("pat")
    result = homefield.check()
    unowned = [f["path"] for f in result.report["findings"] if f["rule"] == "ownership.unowned"]
    assert unowned == ["docs/notes.md"]
    assert result.code == 1


def test_adding_oneself_to_owners_is_never_approved_by_oneself(scratch, homefield):
    scratch.write("services/orders/OWNERS", "team: checkout\napprovers: [alice, bob, dan]\n")
    scratch.commit("dan", "make me an orders approver")
    result = homefield.check(reviews=scratch.reviews("dan", "quinn"))
    assert "ownership.owners-change" in result.rules()
    assert result.report["approvals"]["given"] == [
        {"person": "quinn", "login": "quinn-gh", "team": "platform"}
    ]
    assert result.code == 1


def test_owners_change_approved_by_a_current_owner_and_a_bar_raiser_passes(scratch, homefield):
    scratch.write("services/orders/OWNERS", "team: checkout\napprovers: [alice, bob, carol]\n")
    scratch.commit("bob", "carol approves orders too")
    result = homefield.check(reviews=scratch.reviews("alice", "quinn"))
    assert "ownership.owners-change" not in result.rules()
    assert result.report["bar_raiser"]["satisfied_by"] == "quinn"
    assert result.code == 0


def test_teams_yaml_entry_change_needs_that_teams_approvers(scratch, homefield):
    text = (scratch.root / "teams.yaml").read_text().replace('"#checkout"', '"#orders"')
    scratch.write("teams.yaml", text)
    scratch.commit("dan")
    blocked = homefield.check(reviews=scratch.reviews("erin", "quinn"))
    assert "ownership.owners-change" in blocked.rules()
    assert any("checkout" in m for m in blocked.messages("ownership.owners-change"))
    passed = homefield.check(reviews=scratch.reviews("bob", "quinn", "hiro"))
    assert "ownership.owners-change" not in passed.rules()
    assert passed.report["bar_raiser"]["satisfied_by"] == "hiro"
    assert passed.code == 0


def test_invalid_owners_at_head_blocks_naming_file_and_line(scratch, homefield):
    scratch.write("services/orders/OWNERS", "team: checkout\napprovers: [alice, ghost]\n")
    scratch.commit("bob")
    result = homefield.check(reviews=scratch.reviews("alice", "quinn"))
    messages = result.messages("ownership.owners-change")
    assert any(m.startswith("services/orders/OWNERS:2:") and "ghost" in m for m in messages)
    assert result.code == 1


def test_importing_another_services_package_blocks(scratch, homefield):
    scratch.append(INVENTORY_SRC, "from orders.handlers import handle\n")
    scratch.append(INVENTORY_TEST, "\n")
    scratch.commit("dan")
    result = homefield.check()
    assert result.rules() == {"boundaries.cross-service-import"}
    finding = result.report["findings"][0]
    assert (finding["service"], finding["path"]) == ("inventory", INVENTORY_SRC)


def test_importing_homefield_and_protos_passes(scratch, homefield):
    scratch.append(INVENTORY_SRC, "from homefield.catalog import Catalog\nimport shop.orders.v1\n")
    scratch.append(INVENTORY_SRC, "from inventory import handlers\n")
    scratch.commit("dan")
    assert homefield.check().code == 0


def test_buf_lint_blocks_a_badly_named_message(scratch, homefield):
    scratch.append(PROTO, "\nmessage refund_request {\n  string order_id = 1;\n}\n")
    scratch.commit("alice")
    result = homefield.check()
    assert result.rules() == {"protos.lint"}
    assert "MESSAGE_PASCAL_CASE" in result.messages("protos.lint")[0]


def test_a_compatible_proto_addition_passes_lint_and_breaking(scratch, homefield):
    scratch.append(
        PROTO,
        "\n// RefundRequest asks for a refund.\n"
        "message RefundRequest {\n  string order_id = 1;\n}\n",
    )
    scratch.commit("alice")
    result = homefield.check()
    assert result.report["findings"] == []
    assert result.code == 0


def test_breaking_proto_change_blocks_until_a_bar_raiser_approves(scratch, homefield):
    scratch.write(
        PROTO, (scratch.root / PROTO).read_text().replace("int32 quantity", "string quantity")
    )
    scratch.commit("alice")
    blocked = homefield.check()
    assert {"protos.breaking", "bar-raiser.required"} <= blocked.rules()
    assert blocked.report["bar_raiser"]["reasons"] == ["breaking proto change"]
    approved = homefield.check(reviews=scratch.reviews("hiro"))
    assert "protos.breaking" in approved.rules("warn")
    assert approved.report["bar_raiser"]["satisfied_by"] == "hiro"
    assert approved.code == 0


def test_buf_rules_can_be_switched_off(scratch, homefield):
    scratch.append(PROTO, "\nmessage refund_request {\n  string order_id = 1;\n}\n")
    scratch.commit("alice")
    result = homefield.check("--no-buf")
    assert result.code == 0
    assert result.messages("protos.lint") == [
        "buf rules were switched off (--no-buf): protos not checked"
    ]


def test_away_source_change_without_tests_blocks(scratch, homefield):
    away_fix(scratch, tests=False)
    result = homefield.check(reviews=scratch.reviews("alice"))
    assert result.rules() == {"away.tests-required"}


def test_away_change_without_changelog_line_blocks(scratch, homefield):
    away_fix(scratch, changelog=False)
    result = homefield.check(reviews=scratch.reviews("alice"))
    assert result.rules() == {"away.changelog-required"}
    assert "fulfillment" in result.messages("away.changelog-required")[0]


def test_a_complete_approved_away_change_passes(scratch, homefield):
    away_fix(scratch)
    result = homefield.check(reviews=scratch.reviews("alice"))
    assert result.report["findings"] == []
    assert result.report["services"] == [
        {"name": "orders", "home_team": "checkout", "contribution": "away", "tier": 1, "lines": 9}
    ]
    assert result.code == 0


def test_home_change_needs_no_tests_changelog_or_approval(scratch, homefield):
    scratch.append(ORDERS_SRC, "\n\ndef refund() -> int:\n    return 0\n")
    scratch.commit("bob")
    result = homefield.check()
    assert result.report["services"][0]["contribution"] == "home"
    assert result.code == 0


def test_badly_named_metrics_block(scratch, homefield):
    scratch.append(
        ORDERS_SRC,
        'REFUNDS = Counter("orders_refunds", "refunds")\n'
        'LATENCY = Histogram("orders_refund_latency_ms", "latency")\n'
        'QUEUE = Gauge("ordersQueue", "queue")\n',
    )
    scratch.commit("alice")
    result = homefield.check()
    assert result.rules() == {"metrics.naming"}
    messages = " ".join(result.messages("metrics.naming"))
    assert "must end in _total" in messages
    assert "_seconds" in messages
    assert "snake_case" in messages


def test_well_named_metrics_pass(scratch, homefield):
    scratch.append(
        ORDERS_SRC,
        'REFUNDS = Counter("orders_refunds_total", "refunds")\n'
        'LATENCY = Histogram("orders_refund_duration_seconds", "latency")\n'
        'SIZE = Gauge("orders_payload_bytes", "size")\n',
    )
    scratch.commit("alice")
    assert homefield.check().code == 0


def test_a_line_like_a_diff_header_does_not_hide_the_lines_after_it(scratch, homefield):
    scratch.append(INVENTORY_SRC, "X = 1\n++ 0\nfrom orders.handlers import handle\n")
    scratch.append(INVENTORY_TEST, "\n")
    scratch.commit("dan")
    assert homefield.check().rules() == {"boundaries.cross-service-import"}


def test_a_metric_named_on_the_line_after_its_constructor_is_checked(scratch, homefield):
    scratch.append(
        ORDERS_SRC,
        "REFUNDS = Counter(\n"
        '    "orders_refunds",\n'
        '    "refunds",\n'
        ")\n"
        "LATENCY = Histogram(\n"
        '    name="orders_refund_latency_ms",\n'
        '    documentation="latency",\n'
        ")\n",
    )
    scratch.commit("alice")
    result = homefield.check()
    assert result.rules() == {"metrics.naming"}
    messages = " ".join(result.messages("metrics.naming"))
    assert "'orders_refunds' must end in _total" in messages
    assert "'orders_refund_latency_ms' uses unit 'ms'" in messages


def test_owners_are_read_at_the_base_tip_and_the_diff_from_the_merge_base(scratch, homefield):
    fork = scratch.base
    scratch.git("switch", "-q", "-c", "feature")
    away_fix(scratch)
    scratch.git("switch", "-q", "main")
    scratch.write("services/orders/OWNERS", "team: checkout\napprovers: [carol]\n")
    scratch.commit("alice", "orders: carol approves now")
    scratch.git("switch", "-q", "feature")
    scratch.base = "main"
    result = homefield.check(reviews=scratch.reviews("bob"))
    assert result.report["base"] == fork
    assert {s["name"] for s in result.report["services"]} == {"orders"}
    assert result.rules() == {"approvals.home-team-required"}
    assert result.report["approvals"]["missing"][0]["any_of"] == ["carol"]
    assert homefield.check(reviews=scratch.reviews("carol")).code == 0


def test_a_changelog_line_must_credit_the_away_team_not_just_mention_it(scratch, homefield):
    scratch.append(ORDERS_CHANGELOG, "- orders ask the fulfillment service for stock\n")
    away_fix(scratch, changelog=False)
    result = homefield.check(reviews=scratch.reviews("alice"))
    assert result.rules() == {"away.changelog-required"}
    message = result.messages("away.changelog-required")[0]
    assert '"(fulfillment)", "fulfillment team", "(away team: fulfillment)"' in message
    assert '"by fulfillment", "@<org>/fulfillment"' in message
    scratch.append(ORDERS_CHANGELOG, "- refunds, by the Fulfillment team\n")
    scratch.commit("dan")
    assert homefield.check(reviews=scratch.reviews("alice")).code == 0


@pytest.mark.parametrize(
    "credit",
    [
        "- refunds return zero (away team: fulfillment)",
        "- refunds return zero, by fulfillment.",
        "- refunds return zero, thanks @homefield/fulfillment",
    ],
)
def test_the_other_common_credit_forms_pass(scratch, homefield, credit):
    away_fix(scratch, changelog=False)
    scratch.append(ORDERS_CHANGELOG, credit + "\n")
    scratch.commit("dan")
    assert homefield.check(reviews=scratch.reviews("alice")).code == 0
