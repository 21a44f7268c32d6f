"""`homefield dlq list|replay SERVICE`: what a consumer dead-lettered, and putting it back."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Annotated

import typer
from aiokafka.errors import KafkaError

from homefield.catalog import Catalog, CatalogError
from homefield.ops.dlq import list_dead_letters, replay_dead_letters

dlq_app = typer.Typer(help="Dead letters: list them, replay them once the cause is fixed.")

Service = Annotated[str, typer.Argument(help="the consuming service, e.g. payments")]
Bootstrap = Annotated[
    str,
    typer.Option(help="Kafka bootstrap servers (default $KAFKA_BOOTSTRAP or the local broker)"),
]


def _bootstrap(value: str) -> str:
    return value or os.environ.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092")


def _check_service(service: str) -> None:
    try:
        services = Catalog.load().services
    except CatalogError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if service not in services or not services[service].spec.consumes:
        consumers = ", ".join(n for n, e in services.items() if e.spec.consumes)
        typer.echo(f"error: {service!r} consumes no events; one of: {consumers}", err=True)
        raise typer.Exit(2)


@dlq_app.command("list")
def list_command(service: Service, bootstrap: Bootstrap = "") -> None:
    """Every dead letter of SERVICE: offset, original topic/partition/offset, handler, error."""
    _check_service(service)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        letters = asyncio.run(list_dead_letters(_bootstrap(bootstrap), service))
    except KafkaError as exc:
        typer.echo(f"error: cannot read {service}.dlq: {exc}", err=True)
        raise typer.Exit(1) from None
    for letter in letters:
        origin = f"{letter.original_topic}/{letter.original_partition}@{letter.original_offset}"
        typer.echo(
            f"{letter.offset:>6}  {origin}  {letter.ce_type}  {letter.handler}: {letter.error}"
        )
    typer.echo(f"{len(letters)} dead letter(s) on {service}.dlq")


@dlq_app.command("replay")
def replay_command(service: Service, bootstrap: Bootstrap = "") -> None:
    """Republish SERVICE's dead letters (not replayed before) to their original topics."""
    _check_service(service)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        count = asyncio.run(replay_dead_letters(_bootstrap(bootstrap), service, echo=typer.echo))
    except KafkaError as exc:
        typer.echo(f"error: replay from {service}.dlq stopped: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"replayed {count} dead letter(s) from {service}.dlq")


def register(app: typer.Typer) -> None:
    """Add `homefield dlq` to the `homefield` app."""
    app.add_typer(dlq_app, name="dlq")
