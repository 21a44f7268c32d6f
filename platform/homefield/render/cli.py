"""`homefield render`: regenerate deploy/ (rules, routing, dashboards, manifests)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from homefield.catalog import Catalog, CatalogError, find_repo_root
from homefield.render.files import Drift
from homefield.slo.scrape import SCRAPE_INTERVAL
from homefield.slo.windows import RATIO_WINDOWS, window_ms

CHECK_HELP = "Write nothing; exit 1 and list the files that would change (the drift check)."
OUT_HELP = "Write into this directory instead of the repository root."
SCALE_HELP = (
    "TEST ONLY: divide every alert and recording window by N so a game day fires alerts in"
    " minutes. Needs --out; committed output always uses the real windows. The shortest"
    " window (5m / N) must still span three 5s scrapes, so N is at most 20."
)
MAX_WINDOW_SCALE = window_ms(RATIO_WINDOWS[0]) // (3 * window_ms(SCRAPE_INTERVAL))


def render(
    check: Annotated[bool, typer.Option("--check", help=CHECK_HELP)] = False,
    out: Annotated[Path | None, typer.Option("--out", help=OUT_HELP)] = None,
    window_scale: Annotated[int, typer.Option("--window-scale", min=1, help=SCALE_HELP)] = 1,
) -> None:
    """Generate deploy/ and the Dockerfile from service.yaml, slo.yaml and teams.yaml."""
    from homefield.render.files import drift, write_tree
    from homefield.render.tree import render_tree

    if window_scale != 1 and (out is None or check):
        typer.echo("error: --window-scale is test-only: pass --out DIR and no --check", err=True)
        raise typer.Exit(2)
    if window_scale > MAX_WINDOW_SCALE:
        typer.echo(f"error: --window-scale must be at most {MAX_WINDOW_SCALE}", err=True)
        raise typer.Exit(2)
    try:
        catalog = Catalog.load(find_repo_root())
        tree = render_tree(catalog, window_scale=window_scale)
    except CatalogError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    target = (out or catalog.root).resolve()
    if check:
        _report_drift(drift(target, tree), len(tree))
        return
    written = write_tree(target, tree)
    typer.echo(
        f"rendered {len(tree)} files into {target}:"
        f" {len(written.changed)} written, {len(written.stale)} deleted"
    )


def _report_drift(found: Drift, total: int) -> None:
    for name in found.changed:
        typer.echo(f"would change: {name}")
    for name in found.stale:
        typer.echo(f"would delete: {name}")
    if not found.clean:
        typer.echo("generated files drifted: run `make render` and commit the result", err=True)
        raise typer.Exit(1)
    typer.echo(f"{total} generated files are up to date")


def register(app: typer.Typer) -> None:
    """Add `homefield render` to the `homefield` command."""
    app.command("render")(render)
