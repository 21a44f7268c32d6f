"""`homefield owners`, `check`, `ledger` and `scorecard`."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from homefield.ownership import GitRepo, Ownership, OwnersIndex

# Each command imports what it uses when it runs: `homefield check` is started on every pull
# request and never needs the ledger's, the notifier's or the scorecard's modules.

DEFAULT_OWNERS_REF = "origin/HEAD"


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _repo() -> GitRepo:
    from homefield.ownership import GitRepo

    proc = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise _fail("not inside a git repository")
    return GitRepo(Path(proc.stdout.strip()))


def _relative(repo: GitRepo, raw: str) -> str:
    full = (Path.cwd() / raw).resolve()
    try:
        relative = full.relative_to(repo.root.resolve()).as_posix()
    except ValueError:
        raise _fail(f"{raw} is outside the repository {repo.root}") from None
    return "" if relative == "." else relative


def _describe(index: OwnersIndex, ownership: Ownership) -> list[str]:
    from homefield.ownership import service_of

    team = ownership.team
    entry = index.teams.teams.get(team) if team else None
    oncall = index.oncall(team, datetime.now(UTC)) if team else None
    service = service_of(ownership.path + "/") or service_of(ownership.path)
    runbook = f"services/{service}/RUNBOOK.md" if service else "-"
    if service and runbook not in index.files:
        runbook += " (missing)"
    decided = [f.path for f in ownership.files]
    known = ownership.path in index.files or index.is_dir(ownership.path)
    return [
        ownership.path or ".",
        f"  team:       {team or '(unowned)'}",
        f"  approvers:  {', '.join(ownership.approvers) or '-'}",
        f"  reviewers:  {', '.join(ownership.reviewers) or '-'}",
        f"  on call:    {oncall or '-'}" + (f" ({entry.channel})" if entry else ""),
        f"  runbook:    {runbook}",
        f"  decided by: {decided[0] if decided else '(no OWNERS file)'}"
        + (f" (also {', '.join(decided[1:])})" if len(decided) > 1 else ""),
        *([] if known else ["  note:       not in this revision; shown as a new file would be"]),
    ]


def owners(
    paths: Annotated[list[str], typer.Argument(help="Files or directories, relative to here.")],
    rev: Annotated[str, typer.Option(help="Read OWNERS and teams.yaml at this revision.")] = "HEAD",
) -> None:
    """Who owns each PATH: team, approvers, on call now, runbook, and the OWNERS that decided."""
    from homefield.catalog import CatalogError
    from homefield.ownership import GitError, OwnersIndex

    repo = _repo()
    try:
        index = OwnersIndex.at(repo, repo.resolve(rev))
    except (GitError, CatalogError) as exc:
        raise _fail(str(exc)) from None
    blocks: list[str] = []
    for raw in paths:
        path = _relative(repo, raw)
        blocks.append("\n".join(_describe(index, index.resolve(path, is_dir=index.is_dir(path)))))
    typer.echo("\n\n".join(blocks))


def check(
    base: Annotated[str, typer.Option(help="The revision the change is compared against.")],
    head: Annotated[str, typer.Option(help="The change's last commit.")] = "HEAD",
    author: Annotated[
        str | None, typer.Option(help="teams.yaml id (default: head's git author email).")
    ] = None,
    author_login: Annotated[
        str | None,
        typer.Option(help="The GitHub login that opened the pull request (mapped via teams.yaml)."),
    ] = None,
    reviews: Annotated[Path | None, typer.Option(help="GitHub reviews JSON of the PR.")] = None,
    output: Annotated[
        Format, typer.Option("--format", help="text, markdown or json.")
    ] = Format.text,
    buf: Annotated[
        bool, typer.Option(help="Run buf lint and buf breaking on changed protos.")
    ] = True,
    owners_ref: Annotated[
        str,
        typer.Option(
            help="Read OWNERS and teams.yaml here: the default branch's tip, never the PR's base."
        ),
    ] = DEFAULT_OWNERS_REF,
    record: Annotated[
        bool,
        typer.Option(
            help="Write the verdict as a git note (refs/notes/homefield) on the head; "
            "needs --author-login."
        ),
    ] = False,
) -> None:
    """Check a change against the home teams' standards. Exit 0 pass, 1 blocked, 2 usage error."""
    from homefield.catalog import CatalogError
    from homefield.checks.approvals import load_reviews
    from homefield.checks.context import Author, Context
    from homefield.checks.model import CheckInputError
    from homefield.checks.report import render_markdown, render_text, to_json
    from homefield.checks.runner import run_checks
    from homefield.ownership import GitError

    if author is not None and author_login is not None:
        raise _fail("give --author or --author-login, not both")
    if record and author_login is None:
        raise _fail("--record needs --author-login: a note names the verified opener")
    repo = _repo()
    who = Author(person=author, login=author_login)
    try:
        ctx = Context.build(
            repo, base=base, head=head, author=who, reviews=None, owners_ref=owners_ref
        )
        ctx.run_buf = buf
        if reviews is not None:
            ctx.reviews = load_reviews(reviews, ctx.teams)
        report = run_checks(ctx)
        if record and author_login is not None:
            from homefield.checks.record import verdict_note
            from homefield.ownership.notes import write_note

            write_note(repo, report.head, verdict_note(report, author_login))
    except (CheckInputError, CatalogError, GitError) as exc:
        raise _fail(str(exc)) from None
    if output is Format.json:
        typer.echo(json.dumps(to_json(report), indent=2))
    elif output is Format.markdown:
        typer.echo(render_markdown(report), nl=False)
    else:
        typer.echo(render_text(report), nl=False)
    raise typer.Exit(0 if report.verdict == "pass" else 1)


def _date(value: str | None) -> str | None:
    if value is not None:
        try:
            datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a YYYY-MM-DD date") from None
    return value


def ledger(
    rev: Annotated[
        str, typer.Option(help="The branch or revision whose history is read.")
    ] = "HEAD",
    since: Annotated[
        str | None,
        typer.Option(help="Only overrides from this day on (YYYY-MM-DD): the leadership review."),
    ] = None,
    new_since: Annotated[
        str | None, typer.Option(help="Only overrides not reachable from this revision.")
    ] = None,
    notify: Annotated[
        str | None,
        typer.Option(help="Post each listed override to this Alertmanager for leadership."),
    ] = None,
) -> None:
    """Every bar-raiser override in the history: date, commit, service, who overrode, and why.

    Overrides with a verdict note name the opener's verified GitHub login; those without one are
    shown as unverified.
    """
    from homefield.catalog import CatalogError
    from homefield.checks.ledger import read_ledger, render_ledger
    from homefield.checks.model import CheckInputError
    from homefield.checks.record import notify as notify_leadership
    from homefield.ownership import GitError, OwnersIndex

    repo = _repo()
    try:
        entries = read_ledger(repo, rev, since=_date(since), after=new_since)
        if notify is not None and entries:
            index = OwnersIndex.at(repo, repo.resolve(rev))
            notify_leadership(entries, index.teams, notify)
    except (GitError, CatalogError, CheckInputError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(render_ledger(entries), nl=False)
    if notify is not None:
        typer.echo(f"leadership notified of {len(entries)} override(s) via {notify}", err=True)


def scorecard(
    rev: Annotated[
        str, typer.Option(help="Score the services as they are at this revision.")
    ] = "HEAD",
    output: Annotated[
        Format, typer.Option("--format", help="text, markdown or json.")
    ] = Format.text,
) -> None:
    """A table per service: OWNERS, SLOs, runbook, docs, tests, owners. Exit 1 if tier 1 fails."""
    from homefield.catalog import CatalogError
    from homefield.checks.scorecard import (
        blocking,
        render_scorecard,
        render_scorecard_markdown,
        score_services,
    )
    from homefield.ownership import GitError

    repo = _repo()
    try:
        scores = score_services(repo, rev)
    except (GitError, CatalogError) as exc:
        raise _fail(str(exc)) from None
    if output is Format.json:
        data = [
            {
                "name": s.name,
                "team": s.team,
                "tier": s.tier,
                "passed": s.passed,
                "problems": s.problems,
                "deviations": s.deviations,
            }
            for s in scores
        ]
        typer.echo(json.dumps(data, indent=2))
    elif output is Format.markdown:
        typer.echo(render_scorecard_markdown(scores), nl=False)
    else:
        typer.echo(render_scorecard(scores), nl=False)
    failing = blocking(scores)
    if failing:
        typer.echo(f"tier-1 services failing: {', '.join(s.name for s in failing)}", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ownership and away-team commands to the `homefield` app."""
    app.command()(owners)
    app.command()(check)
    app.command()(ledger)
    app.command()(scorecard)
