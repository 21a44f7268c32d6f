"""`homefield console`: serve the on-call console (make up runs it on :9000)."""

from __future__ import annotations

from typing import Annotated

import typer

from homefield.catalog import CatalogError, find_repo_root
from homefield.local.parts import StackLayout


def console(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 9000,
    prometheus: Annotated[str | None, typer.Option(help="Prometheus URL [make up's]")] = None,
    alertmanager: Annotated[str | None, typer.Option(help="Alertmanager URL [make up's]")] = None,
    zipkin: Annotated[str | None, typer.Option(help="Zipkin URL [make up's]")] = None,
    refresh: Annotated[
        int, typer.Option(help="seconds between page refreshes, 0 for none", min=0, max=3600)
    ] = 15,
) -> None:
    """Serve the on-call console: teams, on call, SLOs, alerts, changes, dependencies, charts."""
    import uvicorn

    from homefield.console.app import ConsoleConfig, ConsoleError, build_app
    from homefield.console.sources import Endpoints

    try:
        layout = StackLayout.for_repo(find_repo_root())
    except CatalogError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    endpoints = Endpoints(
        prometheus=(prometheus or layout.prometheus_url).rstrip("/"),
        alertmanager=(alertmanager or layout.alertmanager_url).rstrip("/"),
        zipkin=(zipkin or layout.zipkin_url).rstrip("/"),
    )
    for name, url in vars(endpoints).items():
        if not url.startswith(("http://", "https://")):
            typer.echo(f"error: --{name} must be an http(s) URL, got {url!r}", err=True)
            raise typer.Exit(2)
    try:
        app = build_app(ConsoleConfig(layout.root, endpoints, refresh))
    except ConsoleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"console on http://{host}:{port}/")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    except OSError as exc:
        typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    app.command()(console)
