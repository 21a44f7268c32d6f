"""`make loadtest`: Locust, headless, against the running shop's storefront; then the figures.

Run: .venv/bin/python loadtests/run_loadtest.py [--users 50] [--spawn-rate 10] [--run-time 60s]
     [--rate ORDERS_PER_SECOND] [--host http://127.0.0.1:8080] [--api-key local-dev-key]
Prints orders per second (orders that reached SHIPPED or CANCELLED / run time), HTTP p50, p95
and p99, placed-to-terminal p50 and p99 from each order's history, and the error count.
Exit codes: 0 the run finished (whatever the figures), 1 the shop is not up or Locust failed to
run, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import typer
from loadtest_stats import (
    StatsError,
    Summary,
    parse_run_time,
    read_locust_stats,
    read_orders,
    render,
)

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


class ShopNotUp(Exception):
    """The storefront does not answer as a running shop would."""


def check_shop(host: str, api_key: str, *, timeout: float = 5.0) -> int:
    """GET /v1/products with the key; return the number of products or raise ShopNotUp."""
    request = urllib.request.Request(
        f"{host}/v1/products", headers={"Authorization": f"Bearer {api_key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            products = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise ShopNotUp(f"the storefront at {host} refused the API key (401)") from None
        raise ShopNotUp(f"GET {host}/v1/products answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ShopNotUp(
            f"the storefront does not answer on {host} ({reason}): run `make up` first"
        ) from None
    except ValueError:
        raise ShopNotUp(f"GET {host}/v1/products did not answer JSON") from None
    if not isinstance(products, list) or not products:
        raise ShopNotUp(f"GET {host}/v1/products lists no products: is the shop seeded?")
    return len(products)


def locust_command(args: argparse.Namespace, csv_prefix: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        args.host,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        args.run_time,
        "--stop-timeout",
        "0",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]


def locust_env(args: argparse.Namespace, orders_file: Path) -> dict[str, str]:
    """What the scenario reads: the API key, where to record orders, each user's pace."""
    user_rate = args.rate / args.users if args.rate else 0.0
    return {
        "HOMEFIELD_LOADTEST_API_KEY": args.api_key,
        "HOMEFIELD_LOADTEST_ORDERS": str(orders_file),
        "HOMEFIELD_LOADTEST_USER_RATE": f"{user_rate:g}",
    }


def run_locust(args: argparse.Namespace, workdir: Path) -> Summary:
    orders_file = workdir / "orders.jsonl"
    env = {**os.environ, **locust_env(args, orders_file)}
    command = locust_command(args, workdir / "run")
    pace = f"at most {args.rate:g} orders/s" if args.rate else "no pause between orders"
    typer.echo(
        f"running: locust --users {args.users} --spawn-rate {args.spawn_rate} "
        f"--run-time {args.run_time} --host {args.host} ({pace})",
        err=True,
    )
    result = subprocess.run(command, env=env, check=False)
    stats_file = workdir / "run_stats.csv"
    if not stats_file.exists():
        raise StatsError(
            f"locust exited {result.returncode} without writing stats (its output is above)"
        )
    orders, unfinished = read_orders(orders_file)
    return Summary(
        duration_s=parse_run_time(args.run_time),
        http=read_locust_stats(stats_file),
        orders=orders,
        unfinished=unfinished,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="http://127.0.0.1:8080")
    parser.add_argument(
        "--api-key", default=os.environ.get("HOMEFIELD_LOADTEST_API_KEY", "local-dev-key")
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="60s")
    parser.add_argument(
        "--rate", type=float, help="orders per second for all users together (default: no pause)"
    )
    args = parser.parse_args(argv)
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be above 0")
    if args.users < 1:
        parser.error("--users must be at least 1")
    if args.spawn_rate <= 0:
        parser.error("--spawn-rate must be above 0")
    try:
        parse_run_time(args.run_time)
    except StatsError as exc:
        parser.error(str(exc))
    args.host = args.host.rstrip("/")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        products = check_shop(args.host, args.api_key)
    except ShopNotUp as exc:
        typer.echo(f"loadtest: {exc}", err=True)
        return 1
    typer.echo(f"storefront up at {args.host} with {products} products", err=True)
    with tempfile.TemporaryDirectory(prefix="homefield-loadtest-") as tmp:
        try:
            summary = run_locust(args, Path(tmp))
        except StatsError as exc:
            typer.echo(f"loadtest: {exc}", err=True)
            return 1
    for line in render(summary):
        typer.echo(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
