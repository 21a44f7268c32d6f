"""The `homefield` command."""

from __future__ import annotations

import typer

from homefield.catalog import CatalogError, find_repo_root
from homefield.checks.cli import register as register_checks
from homefield.console.cli import register as register_console
from homefield.deploy.cli import register as register_images
from homefield.local.cli import register as register_local
from homefield.ops.cli import register as register_ops
from homefield.render.cli import register as register_render

app = typer.Typer(
    help="Homefield platform tools: local run, ownership checks, rendering and code generation.",
    no_args_is_help=True,
    add_completion=False,
)

register_checks(app)
register_images(app)
register_console(app)
register_local(app)
register_ops(app)
register_render(app)


@app.command()
def protos() -> None:
    """Generate the Python package for every .proto under protos/shop and protos/vendor (into
    protos/gen)."""
    from homefield.protogen import ProtoGenError, generate

    try:
        files = generate(find_repo_root() / "protos")
    except (ProtoGenError, CatalogError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"generated {len(files)} files in protos/gen")


@app.callback()
def main() -> None:
    """Homefield platform tools."""
