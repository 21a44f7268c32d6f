"""The command line loads only the group it runs, and the table that says which is complete."""

from __future__ import annotations

import subprocess
import sys

import typer.main
from homefield.cli import COMMANDS, build_app


def _names(app: typer.Typer) -> set[str]:
    return set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_registered_command_is_in_the_table_and_no_more() -> None:
    assert _names(build_app(None)) == set(COMMANDS)


def test_each_command_is_registered_by_its_module() -> None:
    for command in COMMANDS:
        assert command in _names(build_app(command))


def test_check_does_not_import_the_local_stack_or_the_renderers() -> None:
    code = (
        "import sys; sys.argv = ['homefield', 'check']; from homefield.cli import app; "
        "print(sorted(m for m in ('aiokafka', 'homefield.local.stack', 'homefield.render.tree') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
