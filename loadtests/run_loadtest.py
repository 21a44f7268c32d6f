"""`make loadtest`: load the running shop from outside, as a user would, and report its cost.

wrk (Debian) posts orders at fixed concurrency or at a paced rate (orders.lua); the orders topic
says when each order was placed and when it ended (order_watch.py); /proc says what CPU and
memory each part of the shop used between the moment before the load and the moment every
order had ended (proc_usage.py). Figures are printed, never judged: the exit code is 0 whatever
they are, 1 when the run cannot happen (no shop, not enough stock, wrk missing).

Examples:
  make up && make loadtest                                  # 32 connections for 20 s
  make loadtest LOADTEST_ARGS="--rate 100 --duration 30s"   # paced: 100 orders/s
  .venv/bin/python loadtests/run_loadtest.py --help
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shlex
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

from homefield.catalog import Catalog, find_repo_root
from homefield.local.parts import StackLayout
from loadtest_stats import Distribution, Report, idle_percent, part_rows, render
from order_watch import OrderWatch, WatchError
from proc_usage import costs, machine_busy_seconds, sample, shop_parts
from profiles import Profiler, py_spy, python_parts, summarize
from wrk_load import (
    RECORDS_ENV,
    LoadError,
    LoadPlan,
    WrkOutput,
    allowance,
    check_stock,
    parse_duration,
    read_records,
    wrk_command,
)

DEFAULT_API_KEY = "local-dev-key"


def echo(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def storefront_stock(url: str, api_key: str) -> dict[str, int]:
    """Units available per SKU, from GET /v1/products; LoadError when the shop does not answer."""
    request = urllib.request.Request(
        f"{url}/v1/products", headers={"Authorization": f"Bearer {api_key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            products = json.load(response)
    except urllib.error.HTTPError as exc:
        raise LoadError(
            f"GET {url}/v1/products answered {exc.code}: is the API key right?"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise LoadError(
            f"the storefront at {url} does not answer ({exc}): run make up first"
        ) from None
    return {str(p["sku"]): int(p["available"]) for p in products}


def load_average() -> str:
    return Path("/proc/loadavg").read_text(encoding="ascii").split()[0]


def client_cpu_seconds() -> float:
    """CPU of this harness and of the wrk it ran (its only child)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def measure_idle(parts: dict[str, int], seconds: float) -> dict[str, float]:
    echo(f"idle: measuring the shop at rest for {seconds:g} s")
    before = sample(parts)
    await asyncio.sleep(seconds)
    return idle_percent(costs(before, sample(parts)), seconds)


async def run_wrk(command: list[str], records: Path) -> WrkOutput:
    echo("running: " + shlex.join(command))
    process = await asyncio.create_subprocess_exec(
        *command,
        env={RECORDS_ENV: str(records), "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    echo(output.decode(errors="replace").rstrip())
    if process.returncode != 0:
        raise LoadError(f"wrk exited {process.returncode} (its output is above)")
    return read_records(records)


async def run(args: argparse.Namespace) -> Report:
    catalog = Catalog.load(args.root)
    layout = StackLayout.for_repo(args.run_dir.parent)
    parts = shop_parts(args.run_dir)
    if not parts:
        raise LoadError(f"no running part of the shop under {args.run_dir}/pids: run make up first")
    stock = storefront_stock(args.url, args.api_key)
    plan = LoadPlan(args.connections, args.duration, args.rate, allowance(stock))
    check_stock(plan)
    echo(f"shop: {', '.join(parts)}; stock for at most {plan.most_orders} orders")
    idle = await measure_idle(parts, args.idle) if args.idle else None
    run_id = uuid.uuid4().hex[:10]
    watch = OrderWatch(
        bootstrap=args.kafka or layout.kafka_bootstrap,
        topic=args.topic_prefix + catalog.services["orders"].spec.publishes[0].topic,
        customer_prefix=f"load-{run_id}-",
    )
    await watch.start()
    try:
        report = await _measure(args, plan, parts, watch, run_id, idle)
    finally:
        await watch.stop()
    return report


async def _measure(
    args: argparse.Namespace,
    plan: LoadPlan,
    parts: dict[str, int],
    watch: OrderWatch,
    run_id: str,
    idle: dict[str, float] | None,
) -> Report:
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    load_before = load_average()
    client_before, busy_before = client_cpu_seconds(), machine_busy_seconds()
    window_start, before = time.monotonic(), sample(parts)
    command = wrk_command(plan, url=args.url, api_key=args.api_key, run_id=run_id)
    profiler = _profiler(args, parts, plan.duration_s)
    if profiler is not None:
        await profiler.start()
    with tempfile.TemporaryDirectory(prefix="homefield-loadtest-") as tmp:
        output = await run_wrk(command, Path(tmp) / "records.txt")
    if profiler is not None:
        await profiler.wait()
    accepted = {r.order_id for r in output.accepted if r.order_id}
    echo(f"wrk done: {len(accepted)} orders accepted; waiting until every order has ended")
    missing = await watch.wait_until_ended(
        accepted,
        timeout=args.drain_timeout,
        report=lambda ended, expected: echo(f"draining: {ended} of {expected} orders ended"),
    )
    await asyncio.sleep(args.settle)
    after, window = sample(parts), time.monotonic() - window_start
    client = client_cpu_seconds() - client_before
    shop_cpu = sum(c.cpu_seconds for c in costs(before, after))
    other = machine_busy_seconds() - busy_before - shop_cpu - client
    orders = watch.orders
    terminal = len(orders.terminal())
    refused: dict[str, int] = {}
    for response in output.refused:
        refused[str(response.status)] = refused.get(str(response.status), 0) + 1
    return Report(
        command=shlex.join(["loadtests/run_loadtest.py", *args.argv]),
        started_at=started_at,
        plan=plan.describe(),
        load_average=(load_before, load_average()),
        responses=len(output.responses),
        accepted=len(output.accepted),
        refused=refused,
        socket_errors=output.summary.socket_errors,
        exhausted_threads=output.exhausted_threads,
        load_seconds=output.summary.duration_s,
        http_ms=Distribution.of([r.latency_ms for r in output.responses]),
        placed=len(orders.placed),
        terminal=terminal,
        shipped=orders.count("SHIPPED"),
        cancelled=orders.reasons(),
        unfinished=len(missing),
        saga_seconds=orders.span_seconds(),
        to_terminal_ms=Distribution.of(orders.latencies_ms()),
        to_shipped_ms=Distribution.of(orders.latencies_ms("SHIPPED")),
        window_seconds=window,
        parts=part_rows(costs(before, after), orders=terminal, window_seconds=window),
        other_cpu_seconds=max(other, 0.0),
        client_cpu_seconds=client,
        idle=idle,
    )


def _profiler(args: argparse.Namespace, parts: dict[str, int], seconds: int) -> Profiler | None:
    if args.profile is None:
        return None
    binary = py_spy()
    if binary is None:
        raise LoadError("py-spy is not installed: run make setup")
    return Profiler(binary, python_parts(parts), args.profile, seconds)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        epilog="The shop must be running (make up). See loadtests/README.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--connections", type=int, default=32, help="default 32")
    parser.add_argument("--duration", default="20s", help="how long wrk sends (default 20s)")
    parser.add_argument("--rate", type=float, help="paced: orders/s in all (default: no pause)")
    parser.add_argument("--idle", type=float, default=0, help="first measure the shop at rest")
    parser.add_argument("--drain-timeout", type=float, default=120, help="seconds (default 120)")
    parser.add_argument("--settle", type=float, default=2, help="seconds after the last order")
    parser.add_argument("--url", default=None, help="storefront (default: its port in the catalog)")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    parser.add_argument("--kafka", help="bootstrap server (default: the local shop's)")
    parser.add_argument("--topic-prefix", default="", help="as the services' TOPIC_PREFIX")
    parser.add_argument("--run-dir", type=Path, help="the shop's .run (default: this checkout's)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--profile", type=Path, help="py-spy each Python part while wrk runs; stacks to this dir"
    )
    raw = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(raw)
    args.argv = raw
    if args.connections < 1 or args.connections > 1000:
        parser.error("--connections must be 1 to 1000")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be above 0")
    for name in ("idle", "drain_timeout", "settle"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must not be negative")
    try:
        args.duration = parse_duration(args.duration)
    except LoadError as exc:
        parser.error(str(exc))
    args.root = find_repo_root()
    args.run_dir = (args.run_dir or args.root / ".run").resolve()
    if args.url is None:
        port = Catalog.load(args.root).services["storefront"].spec.http.port
        args.url = f"http://127.0.0.1:{port}"
    args.url = args.url.rstrip("/")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = asyncio.run(run(args))
    except (LoadError, WatchError) as exc:
        echo(f"loadtest: {exc}")
        return 1
    sys.stdout.write("\n".join(render(report)) + "\n")
    if args.profile:
        sys.stdout.write("\n".join(["", *summarize(args.profile)]) + "\n")
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        echo(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
