"""Pure pieces of the checks: metric names, imports, service paths, reviews and approvals."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass

import pytest
from homefield.catalog import Teams, parse_teams
from homefield.checks import approvals, away
from homefield.checks.boundaries import service_packages
from homefield.checks.metrics import naming_problems
from homefield.checks.model import CheckInputError, Review
from homefield.checks.python_source import imported_modules
from homefield.ownership import service_of

TEAMS = """\
people:
  alice: {name: Alice, email: alice@shop.test, github: alice-gh}
  bob: {name: Bob, email: bob@shop.test, github: bob-gh}
  dan: {name: Dan, email: dan@shop.test, github: dan-gh}
teams:
  checkout: {members: [alice, bob], oncall: [alice], channel: "#checkout"}
  fulfillment: {members: [dan], oncall: [dan], channel: "#fulfillment"}
"""


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("Counter", "orders_placed_total"),
        ("Histogram", "orders_place_duration_seconds"),
        ("Gauge", "outbox_backlog_messages"),
        ("Summary", "payload_size_bytes"),
    ],
)
def test_good_metric_names_have_no_problems(kind: str, name: str) -> None:
    assert naming_problems(kind, name) == []


@pytest.mark.parametrize(
    ("kind", "name", "problem"),
    [
        ("Counter", "orders_placed", "must end in _total"),
        ("Gauge", "orders_open_total", "must not end in _total"),
        ("Histogram", "orders_latency_ms", "use base units (_seconds)"),
        ("Histogram", "orders_latency_milliseconds", "use base units (_seconds)"),
        ("Gauge", "payload_size_kb", "use base units (_bytes)"),
        ("Counter", "bytes_sent_mb_total", "use base units (_bytes)"),
        ("Gauge", "ordersOpen", "not snake_case"),
        ("Counter", "orders-placed_total", "not snake_case"),
    ],
)
def test_bad_metric_names_say_what_is_wrong(kind: str, name: str, problem: str) -> None:
    assert any(problem in message for message in naming_problems(kind, name))


def test_imports_are_read_from_every_statement_form() -> None:
    def modules(source: str) -> list[str]:
        return list(imported_modules(ast.parse(source)))

    assert modules("from orders.domain import Order") == ["orders.domain"]
    assert modules("import inventory, json as j") == ["inventory", "json"]
    assert modules("x = 'import orders'") == []
    assert modules("from . import sibling") == []
    assert modules("importlib.import_module(name)") == ["<computed>"]


def test_service_packages_come_from_src_directories() -> None:
    files = ["services/orders/src/orders/__init__.py", "services/orders/tests/test_x.py"]
    files.append("services/inventory/src/orders/__init__.py")
    assert service_packages(files) == {"orders": {"orders", "inventory"}}


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("services/orders/src/orders/handlers.py", "orders"),
        ("protos/shop/payments/v1/events.proto", "payments"),
        ("deploy/k8s/services/shipping/base/kustomization.yaml", "shipping"),
        ("platform/homefield/cli.py", None),
        ("services/README.md", None),
    ],
)
def test_paths_map_to_their_service(path: str, service: str | None) -> None:
    assert service_of(path) == service


@dataclass
class FakeContext:
    teams: Teams
    reviews: list[Review] | None
    author: str = "dan"
    head: str = "h" * 40


def review(login: str, state: str = "APPROVED", commit: str = "h" * 40) -> Review:
    return Review(login, login.removesuffix("-gh"), state, commit)


def test_only_the_latest_vote_on_head_by_someone_else_counts() -> None:
    teams = parse_teams(TEAMS)
    ctx = FakeContext(
        teams,
        [
            review("alice-gh"),
            review("alice-gh", "COMMENTED"),
            review("bob-gh"),
            review("bob-gh", "CHANGES_REQUESTED"),
            review("dan-gh"),
        ],
    )
    assert [a.person for a in approvals.given(ctx)] == ["alice"]


def test_an_approval_of_an_older_commit_does_not_count() -> None:
    ctx = FakeContext(parse_teams(TEAMS), [review("alice-gh", commit="o" * 40)])
    assert approvals.given(ctx) == []


def test_reviews_logins_map_through_teams(tmp_path) -> None:
    path = tmp_path / "reviews.json"
    data = [{"user": {"login": "Alice-GH"}, "state": "APPROVED", "commit_id": "abc"}]
    path.write_text(json.dumps(data))
    (loaded,) = approvals.load_reviews(path, parse_teams(TEAMS))
    assert (loaded.person, loaded.state, loaded.commit_id) == ("alice", "APPROVED", "abc")


def test_a_review_without_a_login_names_its_position(tmp_path) -> None:
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([{"state": "APPROVED", "commit_id": "abc"}]))
    with pytest.raises(CheckInputError, match=r"reviews.json: review 0 needs user.login"):
        approvals.load_reviews(path, parse_teams(TEAMS))


def test_reviews_by_deleted_accounts_are_skipped(tmp_path) -> None:
    path = tmp_path / "reviews.json"
    data = [
        {"user": None, "state": "APPROVED", "commit_id": "abc"},
        {"user": {"login": "bob-gh"}, "state": "APPROVED", "commit_id": "abc"},
    ]
    path.write_text(json.dumps(data))
    assert [r.person for r in approvals.load_reviews(path, parse_teams(TEAMS))] == ["bob"]


@pytest.mark.parametrize(
    ("line", "credited"),
    [
        ("- refunds (payments)", True),
        ("- refunds ( Payments )", True),
        ("- refunds, by the payments team", True),
        ("- calls the payments service", False),
        ("- refunds (prepayments)", False),
        ("- the prepayments team", False),
        ("- the payments-ops team", False),
        ("- refunds (away team: payments)", True),
        ("- refunds ( Away-Team:Payments )", True),
        ("- refunds (away team: payments-ops)", False),
        ("- refunds, by payments.", True),
        ("- refunds (by payments)", True),
        ("- refunds by payments", True),
        ("- handled by payments for refunds", False),
        ("- refunds by the payments service", False),
        ("- refunds by payments-ops", False),
        ("- refunds, thanks @homefield/payments", True),
        ("- refunds, thanks @acme-corp/Payments!", True),
        ("- refunds, thanks @homefield/payments-ops", False),
        ("- mail ops@homefield/payments", False),
        ("- the payments service now refunds", False),
    ],
)
def test_changelog_lines_credit_a_team_in_the_forms_people_write(line: str, credited: bool) -> None:
    assert away.names_team(line, "payments") is credited
