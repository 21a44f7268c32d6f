"""`homefield credit`: credit for each team's changes, home and away, and the effect downstream."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from homefield.catalog import CatalogError
from homefield.checks.cli import Format, _fail, _repo
from homefield.checks.model import CheckInputError
from homefield.ownership import GitError, GitRepo

DEFAULT_DAYS = 30


def _since(value: str | None) -> str:
    if value is None:
        return (datetime.now(UTC) - timedelta(days=DEFAULT_DAYS)).strftime("%Y-%m-%d")
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise _fail(f"--since {value!r} is not a YYYY-MM-DD date") from None
    if parsed > datetime.now(UTC):
        raise _fail(f"--since {value} is in the future")
    return value


def credit(
    since: Annotated[
        str | None,
        typer.Option(help=f"First day to read (YYYY-MM-DD); default: {DEFAULT_DAYS} days ago."),
    ] = None,
    rev: Annotated[
        str | None,
        typer.Option(
            help="The default branch whose history is read (default: origin/HEAD, else HEAD)."
        ),
    ] = None,
    prometheus: Annotated[
        str | None, typer.Option(help="Prometheus with the SLO recordings (default: make up's).")
    ] = None,
    impact: Annotated[
        bool, typer.Option(help="Read downstream SLO and latency figures from Prometheus.")
    ] = True,
    output: Annotated[
        Format, typer.Option("--format", help="text, markdown or json.")
    ] = Format.text,
) -> None:
    """Credit per team for every merged change, home or away: the services downstream of each,
    their SLO budget and p99 the day before and after (positive impact named as such), the away
    changes each team contributed and received, and an InnerSource ratio per service."""
    from homefield.credit.history import merged_changes
    from homefield.credit.impact import HttpPrometheus, ImpactReader, PrometheusDown
    from homefield.credit.text import render_markdown, render_text
    from homefield.credit.views import credit_views
    from homefield.local.parts import StackLayout

    first_day = _since(since)
    repo = _repo()
    if prometheus is not None and not prometheus.startswith(("http://", "https://")):
        raise _fail(f"--prometheus must be an http(s) URL, got {prometheus!r}")
    try:
        sha = repo.resolve(rev) if rev else _default_branch(repo)
        changes = merged_changes(repo, sha, first_day, progress=_progress)
    except (GitError, CatalogError, CheckInputError) as exc:
        raise _fail(str(exc)) from None
    notes: list[str] = []
    reader = None
    if impact:
        url = prometheus or StackLayout.for_repo(repo.root).prometheus_url
        reader = ImpactReader(HttpPrometheus(url), datetime.now(UTC))
    try:
        report = credit_views(changes, first_day, reader)
    except PrometheusDown as exc:
        notes.append(f"impact figures left out: {exc}")
        report = credit_views(changes, first_day, None)
    notes.insert(0, f"{len(changes)} merged changes read")
    if output is Format.json:
        typer.echo(json.dumps(report, indent=2))
        for note in notes[1:]:
            typer.echo(note, err=True)
    elif output is Format.markdown:
        typer.echo(render_markdown(report, notes), nl=False)
    else:
        typer.echo(render_text(report, notes), nl=False)


def _default_branch(repo: GitRepo) -> str:
    try:
        return repo.resolve("origin/HEAD")
    except GitError:
        return repo.resolve("HEAD")


def _progress(done: int, total: int) -> None:
    if total >= 50 and (done % 50 == 0 or done == total):
        typer.echo(f"read {done} of {total} commits", err=True)


def register(app: typer.Typer) -> None:
    """Add `homefield credit` to the `homefield` app."""
    app.command()(credit)
