"""`homefield usage`: usage per team and service, growth flags and planned marks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from homefield.catalog import Catalog, CatalogError, find_repo_root
from homefield.slo.query import LOCAL_PROMETHEUS, Prometheus, PrometheusDown, PrometheusError

AT_HELP = "Evaluate at this past time (ISO 8601, UTC unless it says otherwise), not now."
SEED_HELP = (
    "Write three weeks of synthetic history (a surge in the last hours) into the local"
    " Prometheus, for a demo or a test, and exit."
)
DATA_HELP = "With --seed-history: the Prometheus data directory (default: the local shop's)."
DAYS_HELP = (
    "With --seed-history: how many days to write (three weeks by default, so the baseline's"
    " median reads every week; at least 8)."
)


class Format(StrEnum):
    text = "text"
    json = "json"


def parse_at(raw: str) -> datetime:
    """An ISO 8601 time; one without a zone is UTC. BadParameter names the problem."""
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        message = f"{raw!r} is not an ISO 8601 time such as 2026-11-29T18:00Z"
        raise typer.BadParameter(message) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def usage(
    at: Annotated[str | None, typer.Option("--at", help=AT_HELP)] = None,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
    prometheus: Annotated[str, typer.Option(help="Prometheus base URL.")] = LOCAL_PROMETHEUS,
    seed_history: Annotated[bool, typer.Option("--seed-history", help=SEED_HELP)] = False,
    data_dir: Annotated[Path | None, typer.Option(help=DATA_HELP)] = None,
    days: Annotated[int | None, typer.Option(help=DAYS_HELP)] = None,
) -> None:
    """Usage per team and service: now, a week ago, growth, flags and planned marks."""
    when = parse_at(at) if at else None
    try:
        catalog = Catalog.load(find_repo_root())
    except CatalogError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if seed_history:
        _seed(catalog, data_dir, when, days)
        return
    from homefield.usage.report import read_usage, usage_json
    from homefield.usage.text import render_usage

    try:
        report = read_usage(catalog, Prometheus(prometheus), when)
    except PrometheusDown:
        typer.echo(f"Prometheus is down at {prometheus}: start the shop with `make up`", err=True)
        raise typer.Exit(1) from None
    except PrometheusError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if output is Format.json:
        typer.echo(json.dumps(usage_json(report), indent=2))
    else:
        typer.echo(render_usage(report), nl=False)


def _seed(catalog: Catalog, data_dir: Path | None, when: datetime | None, days: int | None) -> None:
    from homefield.local.control import restart_service
    from homefield.local.health import http_ok
    from homefield.local.parts import PROMETHEUS, StackLayout
    from homefield.usage.seed import DAYS, SeedError, seed_end, seed_history

    layout = StackLayout.for_repo(catalog.root)
    target = data_dir or layout.prometheus_data
    end = when or seed_end(datetime.now(UTC))
    try:
        added = seed_history(
            catalog, target, end=end, echo=typer.echo, days=DAYS if days is None else days
        )
    except SeedError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"added {added} blocks to {target}, ending at {end:%Y-%m-%dT%H:%MZ}")
    local = f"http://{layout.host}:{layout.prometheus_port}"
    if data_dir is None and http_ok(f"{local}/-/ready"):
        typer.echo("restarting the local Prometheus so it loads them")
        restart_service(PROMETHEUS, root=catalog.root)
    typer.echo(f"see it with: homefield usage --at {end:%Y-%m-%dT%H:%MZ}")


def register(app: typer.Typer) -> None:
    """Add `homefield usage` to the `homefield` app."""
    app.command()(usage)
