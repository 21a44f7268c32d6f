"""approvals.home-team-required: an away change needs a home-team approver's APPROVED review."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homefield.catalog import Teams
from homefield.catalog.untrusted import UntrustedInputError, parse_json
from homefield.checks.context import Context
from homefield.checks.model import Approval, CheckInputError, Finding, Requirement, Review

RULE = "approvals.home-team-required"
CHANGES_REQUESTED = "approvals.changes-requested"
_VOTES = {"APPROVED", "CHANGES_REQUESTED", "DISMISSED"}


def load_reviews(path: Path, teams: Teams) -> list[Review]:
    """GitHub's pull-request reviews JSON ([{user: {login}, state, commit_id}]), logins mapped."""
    try:
        data: Any = parse_json(path.read_text(encoding="utf-8"))
    except UntrustedInputError as exc:
        raise CheckInputError(f"{path}: cannot read reviews: {exc}") from None
    except OSError as exc:
        raise CheckInputError(f"{path}: cannot read reviews: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CheckInputError(f"{path}: cannot read reviews: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise CheckInputError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise CheckInputError(f"{path}: expected a JSON list of reviews")
    return [r for n, item in enumerate(data) if (r := _review(path, n, item, teams)) is not None]


def _review(path: Path, number: int, item: Any, teams: Teams) -> Review | None:
    if isinstance(item, dict) and "user" in item and item["user"] is None:
        return None  # a deleted account: GitHub shows it as a ghost, with no login
    try:
        login = str(item["user"]["login"])
        return Review(
            login, teams.person_by_login(login), str(item["state"]), str(item["commit_id"])
        )
    except (KeyError, TypeError):
        raise CheckInputError(
            f"{path}: review {number} needs user.login, state and commit_id"
        ) from None


def latest_votes(ctx: Context) -> dict[str, Review]:
    """Each reviewer's latest APPROVED, CHANGES_REQUESTED or DISMISSED review (GitHub's rule:
    a COMMENTED review changes nothing)."""
    latest: dict[str, Review] = {}
    for review in ctx.reviews or []:
        if review.state.upper() in _VOTES:
            latest[review.login.lower()] = review
    return latest


def given(ctx: Context) -> list[Approval]:
    """Approvals that count: each reviewer's latest vote is APPROVED on head; never the author."""
    approvals: list[Approval] = []
    for review in latest_votes(ctx).values():
        if review.state.upper() != "APPROVED" or review.commit_id != ctx.head:
            continue
        if review.person is None or review.person == ctx.author:
            continue
        approvals.append(Approval(review.person, review.login, ctx.teams.team_of(review.person)))
    return sorted(approvals, key=lambda a: a.person)


def changes_requested(ctx: Context, approvers: set[str]) -> list[Finding]:
    """GitHub's rule: an owner's CHANGES_REQUESTED, on any commit, blocks until that owner
    approves or the review is dismissed; another reviewer's approval does not lift it."""
    found: list[Finding] = []
    for review in latest_votes(ctx).values():
        if review.state.upper() == "CHANGES_REQUESTED" and review.person in approvers:
            message = (
                f"{review.person} (an approver of a touched path) requested changes on "
                f"{review.commit_id[:12]}: blocked until they approve or the review is dismissed"
            )
            found.append(Finding(CHANGES_REQUESTED, "block", message))
    return found


def is_satisfied(requirement: Requirement, approvals: list[Approval]) -> bool:
    return any(a.person in requirement.any_of for a in approvals)


def findings(ctx: Context, missing: list[Requirement]) -> list[Finding]:
    found: list[Finding] = []
    if not ctx.author_known:
        message = f"author {ctx.author} is not in teams.yaml: treated as away from every service"
        found.append(Finding(RULE, "warn", message))
    for requirement in missing:
        who = ", ".join(a for a in requirement.any_of if a != ctx.author) or "nobody (no approver)"
        message = f"{requirement.reason}; an APPROVED review on {ctx.head[:12]} from one of: {who}"
        if ctx.reviews is None:
            message += " (no --reviews file given)"
        found.append(
            Finding(requirement.rule, "block", message, requirement.service, requirement.path)
        )
    return found
