"""buf runs with the base's configuration (item 2): a change does not choose its own proto rules."""

from __future__ import annotations

import re

PROTO = "protos/shop/orders/v1/orders.proto"
BUF_YAML = "protos/buf.yaml"


def _break_orders(scratch):
    text = (scratch.root / PROTO).read_text()
    scratch.write(PROTO, text.replace("int32 quantity", "string quantity"))


def _breaking_types(result):
    return sorted({re.search(r": (\w+): ", m).group(1) for m in result.messages("protos.breaking")})


def test_an_except_added_by_the_change_does_not_silence_breaking(scratch, homefield):
    _break_orders(scratch)
    scratch.commit("alice", "break orders")
    types = _breaking_types(homefield.check())
    assert types
    buf = (scratch.root / BUF_YAML).read_text()
    scratch.write(BUF_YAML, buf.replace("use: [WIRE_JSON]", f"use: [WIRE_JSON]\n  except: {types}"))
    scratch.commit("alice", "and excuse it")
    result = homefield.check()
    assert "protos.breaking" in result.rules()
    assert (
        f"{BUF_YAML} changed (the rules every proto is checked by)"
        in (result.report["bar_raiser"]["reasons"])
    )


def test_deleting_buf_yaml_does_not_switch_buf_off(scratch, homefield):
    _break_orders(scratch)
    scratch.delete(BUF_YAML)
    scratch.commit("alice", "no buf")
    result = homefield.check()
    assert "protos.breaking" in result.rules()
    assert (
        f"{BUF_YAML} changed (the rules every proto is checked by)"
        in (result.report["bar_raiser"]["reasons"])
    )
    assert result.code == 1


def test_a_lint_rule_dropped_by_the_change_still_applies(scratch, homefield):
    buf = (scratch.root / BUF_YAML).read_text()
    scratch.write(
        BUF_YAML, buf.replace("use: [STANDARD]", "use: [STANDARD]\n  except: [MESSAGE_PASCAL_CASE]")
    )
    scratch.append(PROTO, "\nmessage refund_request {\n  string order_id = 1;\n}\n")
    scratch.commit("alice")
    assert any("MESSAGE_PASCAL_CASE" in m for m in homefield.check().messages("protos.lint"))


def test_an_export_ignore_attribute_hides_no_proto_from_lint(scratch, homefield):
    scratch.write(".gitattributes", "*.proto export-ignore\n")
    scratch.append(PROTO, "\nmessage refund_request {\n  string order_id = 1;\n}\n")
    scratch.commit("alice")
    assert any("MESSAGE_PASCAL_CASE" in m for m in homefield.check().messages("protos.lint"))
