"""`homefield up | down | status | logs | restart | alert-sink`: the local shop."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from homefield.catalog import Catalog, CatalogError, find_repo_root
from homefield.local.kafka import BrokerError
from homefield.local.parts import StackLayout
from homefield.local.shape import ShapeError, StackShape
from homefield.local.stack import LocalStack, PartState, StackError

_COLUMNS = ("PART", "TEAM", "STATE", "PID", "PORTS", "URLS")


def _echo(line: str) -> None:
    typer.echo(line)


def _stack(shape: StackShape | None = None) -> LocalStack:
    """The local shop in ``shape``, or in the shape the last `up` recorded."""
    # Probing a broker that is still starting makes aiokafka log connection errors;
    # the command reports the outcome itself.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        catalog = Catalog.load()
        return LocalStack(StackLayout.for_repo(catalog.root, shape), catalog, _echo)
    except (CatalogError, ShapeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _refuse_another_shape(wanted: StackShape) -> None:
    running = _stack()
    if running.layout.shape == wanted:
        return
    if any(running.pid(part) is not None for part in running.parts):
        shape = running.layout.shape
        typer.echo(
            f"error: the shop runs with store {shape.store} and {shape.replicas} replica(s);"
            " run `make down` first",
            err=True,
        )
        raise typer.Exit(1)


def render_table(states: list[PartState]) -> list[str]:
    """The parts as an aligned text table: part, team, state, pid, ports, URLs."""
    rows = [_COLUMNS] + [
        (
            state.part.name,
            state.part.team,
            state.state,
            str(state.pid or "-"),
            ",".join(str(port) for port in state.part.ports),
            " ".join(state.part.urls),
        )
        for state in states
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_COLUMNS) - 1)]
    return [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)), row[-1]])
        for row in rows
    ]


def up(
    timeout: Annotated[
        float, typer.Option(help="seconds each step may take to become healthy")
    ] = 120.0,
    store: Annotated[
        str, typer.Option(help="where services keep their state: sqlite (a file each) or postgres")
    ] = "sqlite",
    replicas: Annotated[
        int, typer.Option(help="copies of each service that consumes events (postgres only)")
    ] = 1,
) -> None:
    """Start Kafka, the topics, every service, the alert sink, Alertmanager, Prometheus, Zipkin
    and the on-call console; with ``--store postgres`` PostgreSQL first, its databases, and
    ``--replicas`` copies of each consuming service."""
    try:
        shape = StackShape(store=store, replicas=replicas)  # type: ignore[arg-type]
    except ShapeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    _refuse_another_shape(shape)
    stack = _stack(shape)
    try:
        states = stack.up(timeout)
    except (StackError, BrokerError) as exc:
        typer.echo(f"error: {exc}", err=True)
        typer.echo("see `homefield logs`; `homefield down` stops what did start", err=True)
        raise typer.Exit(1) from None
    for line in render_table(states):
        typer.echo(line)


def down() -> None:
    """Stop everything `homefield up` started: services first, Kafka last."""
    busy = _stack().down()
    if busy:
        typer.echo(f"error: still listening after down: {', '.join(busy)}", err=True)
        raise typer.Exit(1)
    typer.echo("everything is stopped")


def status() -> None:
    """Show the health of each part; exit 1 if any part is not up."""
    states = _stack().states()
    for line in render_table(states):
        typer.echo(line)
    if not all(state.healthy for state in states):
        raise typer.Exit(1)


def logs(
    part: Annotated[str | None, typer.Argument(help="one part, e.g. kafka or orders")] = None,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="keep printing new lines")] = False,
    lines: Annotated[int, typer.Option("--lines", "-n", help="lines per log to show")] = 50,
) -> None:
    """Print the last lines of .run/logs/*.log, or follow them."""
    from homefield.local import logs as local_logs

    stack = _stack()
    if part is not None:
        try:
            stack.part(part)
        except StackError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    files = local_logs.log_files(stack.layout.run_dir / "logs", part)
    if not files:
        typer.echo(f"no logs yet in {stack.layout.run_dir / 'logs'}: run `homefield up`", err=True)
        raise typer.Exit(1)
    local_logs.show(files, lines, _echo)
    if follow:
        try:
            local_logs.follow(files, _echo)
        except KeyboardInterrupt:
            return


def restart(
    part: Annotated[str, typer.Argument(help="the service to restart, e.g. payments")],
    env: Annotated[
        list[str] | None,
        typer.Option("--env", "-e", help="KEY=VALUE added to its environment (repeatable)"),
    ] = None,
) -> None:
    """Restart one service gracefully, optionally with extra settings (a game day's faults)."""
    from homefield.local.control import restart_service

    extra: dict[str, str] = {}
    for item in env or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            typer.echo(f"error: --env expects KEY=VALUE, got {item!r}", err=True)
            raise typer.Exit(2)
        extra[key] = value
    stack = _stack()
    try:
        stack.part(part)
        restart_service(part, root=stack.layout.root, env=extra)
    except (StackError, BrokerError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{part}: restarted" + (f" with {', '.join(sorted(extra))}" if extra else ""))


def alert_sink(
    port: Annotated[int, typer.Option(help="port to listen on")] = 9097,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    directory: Annotated[
        Path | None, typer.Option("--dir", help="where to write <team>.jsonl (default .run/alerts)")
    ] = None,
) -> None:
    """Serve the alert sink: Alertmanager webhooks in, pages by team out (GET /alerts)."""
    from homefield.local.alertsink import serve

    target = directory or _repo_root() / ".run" / "alerts"
    try:
        serve(host=host, port=port, directory=target)
    except OSError as exc:
        typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        return


def _repo_root() -> Path:
    try:
        return find_repo_root()
    except CatalogError:
        return Path.cwd()


def register(app: typer.Typer) -> None:
    """Add the local-run commands to the `homefield` app."""
    app.command()(up)
    app.command()(down)
    app.command()(status)
    app.command()(logs)
    app.command()(restart)
    app.command("alert-sink")(alert_sink)
