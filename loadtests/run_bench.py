"""`make bench`: the platform's event relay and gRPC calls against raw aiokafka and bare grpc.aio.

Run: .venv/bin/python loadtests/run_bench.py [--messages 6000] [--relay-rounds 5]
     [--calls 1000] [--grpc-rounds 11] [--concurrency 8] [--only relay|grpc] [--profile]
     [--breakdown]
The broker is $KAFKA_BOOTSTRAP when set, else a local broker from the jars `make setup` fetched,
on free ports in a temporary directory, stopped at the end. Figures are printed, never judged:
the exit code is 0 whatever the ratios (1 only when the benchmark itself cannot run).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform as host_platform
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import typer
from aiokafka.errors import KafkaError
from bench_grpc import GrpcBench
from bench_relay import RelayBench
from bench_rounds import (
    Comparison,
    Profiles,
    paired_rounds,
    progress,
    render_breakdown,
    render_table,
    rotated_rounds,
)
from bench_tracing import traced_as_make_up
from homefield.catalog import Catalog, find_repo_root
from homefield.local.health import free_port
from homefield.local.kafka import BrokerError, KafkaSettings, LocalKafka, require_kafka_libs

RELAY_TARGET = 0.85
GRPC_TARGET = 0.9


@contextmanager
def kafka_broker(root: Path) -> Iterator[str]:
    """$KAFKA_BOOTSTRAP, or a local broker in a temporary directory for the length of the run."""
    configured = os.environ.get("KAFKA_BOOTSTRAP")
    if configured:
        progress(f"broker: KAFKA_BOOTSTRAP={configured}")
        yield configured
        return
    with tempfile.TemporaryDirectory(prefix="homefield-bench-") as tmp:
        settings = KafkaSettings(
            data_dir=Path(tmp),
            libs=require_kafka_libs(root),
            port=free_port(),
            controller_port=free_port(),
        )
        kafka = LocalKafka(settings)
        progress(f"broker: starting a local broker on {kafka.bootstrap}")
        try:
            kafka.start()
            kafka.wait_ready()
            yield kafka.bootstrap
        finally:
            kafka.stop()
            progress("broker: stopped")


async def bench_relay(args: argparse.Namespace, bootstrap: str, profiles: Profiles) -> Comparison:
    catalog = Catalog.load()
    with tempfile.TemporaryDirectory(prefix="homefield-bench-db-") as tmp:
        bench = RelayBench(
            bootstrap=bootstrap,
            catalog=catalog,
            workdir=Path(tmp),
            messages=args.messages,
            profiles=profiles,
        )
        progress(f"relay: {args.messages} messages per round, {args.relay_rounds} rounds")
        base, cand = await paired_rounds(
            name="relay",
            rounds=args.relay_rounds,
            baseline=bench.raw,
            candidate=bench.platform,
            unit="msg/s",
        )
    return Comparison("consumer relay", "msg/s", "raw relay, same rows", base, cand, RELAY_TARGET)


async def bench_grpc(args: argparse.Namespace, profiles: Profiles) -> Comparison:
    progress(
        f"grpc: {args.calls} calls per round, {args.concurrency} in flight, "
        f"{args.grpc_rounds} rounds"
    )
    async with GrpcBench(
        catalog=Catalog.load(), calls=args.calls, concurrency=args.concurrency, profiles=profiles
    ) as bench:
        base, cand = await paired_rounds(
            name="grpc",
            rounds=args.grpc_rounds,
            baseline=bench.measure("bare"),
            candidate=bench.measure("platform"),
            unit="calls/s",
        )
        if args.breakdown:
            values = await rotated_rounds(
                name="grpc breakdown",
                rounds=args.grpc_rounds,
                measures={label: bench.measure(label) for label in bench.stubs},
                unit="calls/s",
            )
            for line in ["### grpc breakdown", *render_breakdown(values, "bare")]:
                typer.echo(line)
    return Comparison("grpc unary", "calls/s", "bare grpc.aio", base, cand, GRPC_TARGET)


async def run_all(args: argparse.Namespace, bootstrap: str | None) -> list[Comparison]:
    profiles = Profiles(args.profile)
    results: list[Comparison] = []
    if bootstrap is not None:
        results.append(await bench_relay(args, bootstrap, profiles))
    if args.only in (None, "grpc"):
        results.append(await bench_grpc(args, profiles))
    for line in profiles.report():
        typer.echo(line)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=6000, help="messages per relay round")
    parser.add_argument("--relay-rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=1000, help="gRPC calls per round")
    parser.add_argument("--grpc-rounds", type=int, default=11)
    parser.add_argument("--concurrency", type=int, default=8, help="gRPC calls in flight")
    parser.add_argument("--only", choices=["relay", "grpc"])
    parser.add_argument("--profile", action="store_true", help="print cProfile of each side")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time each gRPC interceptor on its own"
    )
    args = parser.parse_args(argv)
    for name in ("messages", "relay_rounds", "calls", "grpc_rounds", "concurrency"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def header() -> list[str]:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"machine: {os.cpu_count()} cores, load average {load}, "
        f"Python {host_platform.python_version()}",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Fresh topics and groups make aiokafka log transient metadata errors; they are retried.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    for line in header():
        typer.echo(line)
    root = find_repo_root()
    try:
        with traced_as_make_up(root, "shipping") as tracing:
            typer.echo(tracing)
            if args.only == "grpc":
                results = asyncio.run(run_all(args, None))
            else:
                with kafka_broker(root) as bootstrap:
                    results = asyncio.run(run_all(args, bootstrap))
    except BrokerError as exc:
        typer.echo(f"bench: the Kafka broker is not available: {exc}", err=True)
        return 1
    except (KafkaError, TimeoutError) as exc:
        typer.echo(f"bench: a round could not finish: {exc!r}", err=True)
        return 1
    for line in render_table(results):
        typer.echo(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
