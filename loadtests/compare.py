"""`make loadtest-compare BEFORE=<rev>`: the figures of record, before and after, in one run.

For each side (BEFORE, then AFTER, default HEAD) it checks the revision out in a git worktree
under .cache/compare/, runs `make setup` there, and then, on the shop's fixed ports:

1. `make up` on fresh data (timed), `make down`, `make up` again on the kept data (timed: "make
   up when already set up");
2. this checkout's `make loadtest` harness against that shop: a paced 100 orders/s (after
   measuring the shop at rest, --idle), 32 connections, 8 connections, 20 s each;
3. `make down`.

Both sides are measured by the same harness (this checkout's loadtests/), with the same stock
setting (INVENTORY_SEED_STOCK_SCALE, ignored by code that predates it and then needless, since
its runs fit the seed). Then `make bench` on the AFTER side, unless --no-bench. It writes every
figure as JSON plus summary.md (the tables for RESULTS.md) into the output directory, and prints
the summary. No shop may be running when it starts; it leaves none running.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from compare_render import Side, render_summary
from homefield.catalog import find_repo_root
from homefield.local.health import port_in_use

HERE = Path(__file__).resolve().parent
STOCK_SCALE = "10"
# The paced run first: it needs the most stock, and code that predates the stock setting has
# only the seed (3,655 units) for all three.
LOADS: dict[str, list[str]] = {
    "paced100": ["--connections", "32", "--rate", "100", "--duration", "20s", "--idle", "30"],
    "c32": ["--connections", "32", "--duration", "20s"],
    "c8": ["--connections", "8", "--duration", "20s"],
}
SHOP_PORTS = (8080, 9092)


class CompareError(Exception):
    """A step failed; the message names it."""


def echo(message: str) -> None:
    sys.stderr.write(f"compare: {message}\n")
    sys.stderr.flush()


def run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> float:
    """Run ``command`` (its output goes to stderr); return its wall time in seconds."""
    echo(f"{cwd.name}$ {shlex.join(command)}")
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=sys.stderr)
    if result.returncode != 0:
        raise CompareError(f"`{shlex.join(command)}` in {cwd} exited {result.returncode}")
    took = time.monotonic() - started
    echo(f"{cwd.name}$ {command[0]} {command[1] if len(command) > 1 else ''} took {took:.1f} s")
    return took


@dataclass(frozen=True)
class Checkout:
    label: str
    rev: str
    commit: str
    path: Path


def checkout(root: Path, workdir: Path, label: str, rev: str) -> Checkout:
    """A worktree of ``rev`` at ``workdir/label``, set up with `make setup`."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if commit.returncode != 0:
        raise CompareError(f"{rev!r} is not a commit of {root}")
    path = workdir / label
    if path.exists():
        run(["git", "worktree", "remove", "--force", str(path)], cwd=root)
    run(["git", "worktree", "add", "--detach", str(path), commit.stdout.strip()], cwd=root)
    cache = root / ".cache"
    if cache.is_dir() and not (path / ".cache").exists():
        (path / ".cache").symlink_to(cache)  # the Kafka jars, fetched once
    run(["make", "setup"], cwd=path)
    return Checkout(label, rev, commit.stdout.strip(), path)


def measure(side: Checkout, out: Path) -> Side:
    """Start the shop of ``side`` twice (timed), load it, stop it."""
    env = {"INVENTORY_SEED_STOCK_SCALE": STOCK_SCALE}
    run(["make", "down"], cwd=side.path)
    subprocess.run(["rm", "-rf", str(side.path / ".run")], check=True)
    fresh = run(["make", "up"], cwd=side.path, env=env)
    run(["make", "down"], cwd=side.path)
    warm = run(["make", "up"], cwd=side.path, env=env)
    reports: dict[str, dict[str, object]] = {}
    try:
        for name, load in LOADS.items():
            target = out / f"{side.label}-{name}.json"
            harness = [sys.executable, str(HERE / "run_loadtest.py"), *load]
            run([*harness, "--run-dir", str(side.path / ".run"), "--json", str(target)], cwd=HERE)
            reports[name] = json.loads(target.read_text(encoding="utf-8"))
    finally:
        run(["make", "down"], cwd=side.path)
    return Side(side.label, side.rev, side.commit, fresh, warm, reports)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        epilog="See loadtests/README.md.",
    )
    parser.add_argument("--before", required=True, help="the revision measured first")
    parser.add_argument("--after", default="HEAD", help="the revision measured second")
    parser.add_argument("--out", type=Path, help="directory for the figures (default: a new one)")
    parser.add_argument("--no-bench", action="store_true", help="skip `make bench` on AFTER")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = find_repo_root()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = (args.out or root / ".cache" / "compare" / stamp).resolve()
    out.mkdir(parents=True, exist_ok=True)
    busy = [port for port in SHOP_PORTS if port_in_use("127.0.0.1", port)]
    if busy:
        echo(f"a shop is running (port {busy[0]} is taken): stop it with `make down` first")
        return 1
    try:
        sides = []
        for label, rev in (("before", args.before), ("after", args.after)):
            sides.append(measure(checkout(root, root / ".cache" / "compare", label, rev), out))
        bench = None
        if not args.no_bench:
            bench_log = out / "bench.txt"
            with bench_log.open("w", encoding="utf-8") as log:
                after = root / ".cache" / "compare" / "after"
                subprocess.run(["make", "bench"], cwd=after, stdout=log, check=True)
            bench = bench_log.read_text(encoding="utf-8")
    except (CompareError, subprocess.CalledProcessError) as exc:
        echo(str(exc))
        return 1
    summary = render_summary(sides, bench=bench, command=shlex.join(sys.argv))
    (out / "summary.md").write_text(summary, encoding="utf-8")
    sys.stdout.write(summary)
    echo(f"figures in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
