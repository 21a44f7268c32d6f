"""The `homefield` command.

Each command group lives in its own module, and importing one can be slow (the local stack
pulls in Kafka clients, rendering every renderer). So the app is built on first use with only
the group the command line names: `homefield check` never imports the stack. Without a known
command (`homefield --help`, a typo, or a test runner's arguments) every group is registered.
"""

from __future__ import annotations

import importlib
import sys
from functools import cache
from typing import Any

import typer

HELP = "Homefield platform tools: local run, ownership checks, rendering and code generation."

# Which module registers each command: its register(app) adds them (tests check this table).
COMMANDS: dict[str, str] = {
    "owners": "homefield.checks.cli",
    "check": "homefield.checks.cli",
    "ledger": "homefield.checks.cli",
    "scorecard": "homefield.checks.cli",
    "transfer": "homefield.transfer.cli",
    "credit": "homefield.credit.cli",
    "images": "homefield.deploy.cli",
    "console": "homefield.console.cli",
    "up": "homefield.local.cli",
    "down": "homefield.local.cli",
    "status": "homefield.local.cli",
    "logs": "homefield.local.cli",
    "restart": "homefield.local.cli",
    "alert-sink": "homefield.local.cli",
    "dlq": "homefield.ops.cli",
    "render": "homefield.render.cli",
    "usage": "homefield.usage.cli",
    "protos": "homefield.cli",
}


def protos() -> None:
    """Generate the Python package for every .proto under protos/shop and protos/vendor (into
    protos/gen)."""
    from homefield.catalog import CatalogError, find_repo_root
    from homefield.protogen import ProtoGenError, generate

    try:
        files = generate(find_repo_root() / "protos")
    except (ProtoGenError, CatalogError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"generated {len(files)} files in protos/gen")


def register(app: typer.Typer) -> None:
    app.command()(protos)


def _main() -> None:
    """Homefield platform tools."""


@cache
def build_app(command: str | None = None) -> typer.Typer:
    """The app with ``command``'s group only, or with every group when ``command`` is None."""
    app = typer.Typer(help=HELP, no_args_is_help=True, add_completion=False)
    app.callback()(_main)
    modules = [COMMANDS[command]] if command in COMMANDS else sorted(set(COMMANDS.values()))
    for module in modules:
        importlib.import_module(module).register(app)
    return app


def __getattr__(name: str) -> Any:
    # `homefield` (the console script) does `from homefield.cli import app`: build it here.
    if name == "app":
        command = sys.argv[1] if len(sys.argv) > 1 else None
        return build_app(command if command in COMMANDS else None)
    raise AttributeError(name)
