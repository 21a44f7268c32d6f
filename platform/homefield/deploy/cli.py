"""`homefield images`: build one container image per service (`make images`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from homefield.catalog import Catalog, CatalogError, find_repo_root

SERVICE_HELP = "Build only this service (repeat for several); default: every service."
BASE_HELP = (
    "The base image: any image with python3 and its venv module, of the Python version the"
    " host builds wheels with."
)
CONTEXT = Path(".run/images")


def images(
    service: Annotated[list[str] | None, typer.Option("--service", help=SERVICE_HELP)] = None,
    base_image: Annotated[str, typer.Option("--base-image", help=BASE_HELP)] = "",
) -> None:
    """Build wheels on the host, then each service's image with no network; print the tags."""
    from homefield.deploy.images import DEFAULT_BASE_IMAGE, BuildPlan, ImageError, build_images

    try:
        catalog = Catalog.load(find_repo_root())
        unknown = sorted(set(service or ()) - set(catalog.services))
        if unknown:
            known = ", ".join(catalog.services)
            typer.echo(f"error: unknown service {', '.join(unknown)} (known: {known})", err=True)
            raise typer.Exit(2)
        chosen = [catalog.services[name] for name in (service or catalog.services)]
        plan = BuildPlan(catalog, chosen, base_image or DEFAULT_BASE_IMAGE, catalog.root / CONTEXT)
        tags = build_images(plan, lambda line: typer.echo(f"==> {line}", err=True))
    except CatalogError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except ImageError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for tag in tags:
        typer.echo(tag)


def register(app: typer.Typer) -> None:
    """Add `homefield images` to the `homefield` command."""
    app.command("images")(images)
