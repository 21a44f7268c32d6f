"""Every owned path needs its owners' approval (item 1): Prow semantics over the whole tree."""

from __future__ import annotations

import pytest

OWNERS_REQUIRED = "approvals.owners-required"
HOME_REQUIRED = "approvals.home-team-required"

ROOT_OWNED = [
    "platform/homefield/checks/runner.py",
    ".github/workflows/away-team.yml",
    "Makefile",
    ".ci/run",
    "platform/homefield/runtime/service.py",
    "protos/gen/shop/orders/v1/orders_pb2.py",
    "pyproject.toml",
    "uv.lock",
    "deploy/alertmanager/alertmanager.yml",
]


@pytest.mark.parametrize("path", ROOT_OWNED)
def test_a_root_owned_path_needs_a_root_approver(scratch, homefield, path):
    scratch.write(path, "changed by an away team\n")
    scratch.commit("dan", f"edit {path}")
    blocked = homefield.check()
    assert OWNERS_REQUIRED in blocked.rules()
    assert any(path in m and "platform" in m for m in blocked.messages(OWNERS_REQUIRED))
    assert blocked.code == 1
    approved = homefield.check(reviews=scratch.reviews("pat"))
    assert OWNERS_REQUIRED not in approved.rules()


def test_an_author_in_no_team_needs_approval_for_a_root_owned_file(scratch, homefield):
    scratch.write("Makefile", "all:\n\ttrue\n")
    scratch.git("add", "-A")
    scratch.git(
        "-c", "user.name=Mallory", "-c", "user.email=mallory@evil.test", "commit", "-qm", "x"
    )
    result = homefield.check()
    assert OWNERS_REQUIRED in result.rules()
    assert result.code == 1


def test_deleting_a_services_prometheus_rules_needs_platform_and_a_runbook(scratch, homefield):
    scratch.write("deploy/prometheus/rules/orders.rules.yml", "groups: []\n")
    scratch.base = scratch.commit("pat", "rules")
    scratch.delete("deploy/prometheus/rules/orders.rules.yml")
    scratch.commit("dan", "no more pages")
    result = homefield.check(reviews=scratch.reviews("pat"))
    assert "away.runbook-required" in result.rules()
    assert OWNERS_REQUIRED not in result.rules()


def test_a_platform_approver_cannot_approve_for_a_home_team(scratch, homefield):
    scratch.append("services/orders/src/orders/handlers.py", "\n\ndef f() -> int:\n    return 2\n")
    scratch.append(
        "services/orders/tests/unit/test_orders.py", "\n\ndef test_f() -> None:\n    pass\n"
    )
    scratch.append("services/orders/CHANGELOG.md", "- f (platform)\n")
    scratch.commit("pat")
    by_platform = homefield.check(reviews=scratch.reviews("quinn"))
    assert HOME_REQUIRED in by_platform.rules()
    assert by_platform.code == 1
    by_home = homefield.check(reviews=scratch.reviews("alice"))
    assert by_home.code == 0


def _rendered_base(scratch, homefield):
    code, _, err = homefield.run("render")
    assert code == 0, err
    scratch.base = scratch.commit("pat", "rendered deploy/")


def test_a_regenerated_deploy_tree_needs_only_its_sources_approval(scratch, homefield):
    _rendered_base(scratch, homefield)
    slo = scratch.root / "services/orders/slo.yaml"
    slo.write_text(slo.read_text().replace("99.9", "99.5"))
    code, _, err = homefield.run("render")
    assert code == 0, err
    scratch.commit("alice", "orders: a looser availability objective")
    result = homefield.check(reviews=scratch.reviews("erin"))
    assert any(p.startswith("deploy/") for p in scratch.git("diff", "--name-only", "HEAD~").split())
    assert OWNERS_REQUIRED not in result.rules()
    assert result.code == 0


def test_a_hand_edited_generated_file_needs_its_owners(scratch, homefield):
    _rendered_base(scratch, homefield)
    routes = scratch.root / "deploy/alertmanager/alertmanager.yml"
    routes.write_text(routes.read_text().replace("checkout", "fulfillment"))
    scratch.commit("alice", "reroute checkout's pages")
    result = homefield.check()
    assert any(
        "deploy/alertmanager/alertmanager.yml" in m for m in result.messages(OWNERS_REQUIRED)
    )
    assert result.code == 1


ORDERS_PROTO = "protos/shop/orders/v1/orders.proto"
ORDERS_PB2 = "protos/gen/shop/orders/v1/orders_pb2.py"


def _generated_base(scratch, homefield):
    code, _, err = homefield.run("protos")
    assert code == 0, err
    scratch.base = scratch.commit("pat", "generated protos/gen")


def _add_order_field(scratch, field: str, number: int) -> None:
    proto = scratch.root / ORDERS_PROTO
    text = proto.read_text().replace("\n}\n", f"\n  string {field} = {number};\n}}\n")
    proto.write_text(text)
    scratch.append("services/orders/CHANGELOG.md", f"- orders carry a {field} (fulfillment)\n")


def _regenerate(homefield):
    code, _, err = homefield.run("protos")
    assert code == 0, err


def test_a_regenerated_protos_gen_needs_only_the_protos_owners(scratch, homefield):
    _generated_base(scratch, homefield)
    _add_order_field(scratch, "gift_note", 3)
    _regenerate(homefield)
    scratch.commit("dan", "orders: a gift note")
    assert ORDERS_PB2 in scratch.git("diff", "--name-only", "HEAD~").split()
    unapproved = homefield.check()
    assert OWNERS_REQUIRED not in unapproved.rules()
    assert HOME_REQUIRED in unapproved.rules()
    approved = homefield.check(reviews=scratch.reviews("alice"))
    assert approved.rules() == set()
    assert approved.code == 0


def test_a_hand_edited_protos_gen_needs_platform(scratch, homefield):
    _generated_base(scratch, homefield)
    _add_order_field(scratch, "gift_note", 3)
    _regenerate(homefield)
    scratch.append(ORDERS_PB2, "DEBUG = True\n")
    scratch.commit("dan", "orders: a gift note")
    result = homefield.check(reviews=scratch.reviews("alice"))
    assert any(ORDERS_PB2 in m and "platform" in m for m in result.messages(OWNERS_REQUIRED))
    assert result.code == 1
    assert homefield.check(reviews=scratch.reviews("alice", "pat")).code == 0


def test_a_stale_protos_gen_needs_platform(scratch, homefield):
    _generated_base(scratch, homefield)
    _add_order_field(scratch, "gift_note", 3)
    _regenerate(homefield)
    _add_order_field(scratch, "gift_wrap", 4)  # and protos/gen not regenerated after it
    scratch.commit("dan", "orders: gift options")
    result = homefield.check(reviews=scratch.reviews("alice"))
    assert any("protos/gen/" in m and "platform" in m for m in result.messages(OWNERS_REQUIRED))
    assert result.code == 1
