"""Time `homefield check` on a scratch change of 2,000 files (buf off) against `git diff`.

Targets (the one target of `make bench-check`): an empty range under 0.4 s (the fixed cost of
starting the command) and the 2,000-file change under 1.5 s, ast-based rules included.

Run: .venv/bin/python loadtests/bench_check.py [--files 2000] [--runs 5]
It copies this repository's HEAD into a temporary git repository, commits an away change of
FILES files spread over every service, then prints the median wall time of `homefield check`
and of `git diff --name-status` on the same range, and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOMEFIELD = str(Path(sys.executable).parent / "homefield")
ENV = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
FILES_TARGET = 1.5
EMPTY_TARGET = 0.4


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def git(root: Path, *args: str, author: str = "dan") -> str:
    identity = ["-c", f"user.name={author}", "-c", f"user.email={author}@homefield.dev"]
    proc = subprocess.run(
        ["git", *identity, *args], cwd=root, env=ENV, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


def build_change(root: Path, files: int) -> str:
    """Copy HEAD into ``root``, commit it as the base, then commit ``files`` changed files."""
    git(root, "init", "-q", "-b", "main")
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "HEAD"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base", author="pat")
    base = git(root, "rev-parse", "HEAD")
    # The default branch's tip as a clone sees it: where the check reads OWNERS by default.
    git(root, "update-ref", "refs/remotes/origin/main", base)
    git(root, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    services = sorted(p.parent.name for p in (root / "services").glob("*/service.yaml"))
    for number in range(files):
        service = services[number % len(services)]
        folder = "src" if number % 2 else "tests/unit"
        target = root / "services" / service / folder / f"bench_{number}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        metric = f'COUNT = Counter("bench_{number}_total", "n")\n'
        target.write_text(f"from homefield.catalog import Catalog\n\n{metric}")
    for service in services:
        changelog = root / "services" / service / "CHANGELOG.md"
        with changelog.open("a", encoding="utf-8") as out:
            out.write("- bench change (fulfillment)\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "bench change")
    return base


def median_seconds(command: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        command()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def median_cpu_seconds(command: list[str], root: Path, runs: int) -> float:
    """User plus system CPU of ``command`` and the git processes it waits for (median of runs).

    On a shared machine the wall time moves with everyone else's load; the CPU a run spends is
    what this change controls, so both are printed.
    """
    timings = []
    for _ in range(runs):
        before = os.times()
        subprocess.run(command, cwd=root, capture_output=True, check=False)
        after = os.times()
        timings.append(
            after.children_user
            - before.children_user
            + after.children_system
            - before.children_system
        )
    return statistics.median(timings)


def measure(root: Path, base: str, runs: int) -> dict[str, float]:
    """Median wall seconds of the check, of `git diff --name-status` and of the check on no
    change, and the CPU seconds of both checks."""
    check = [HOMEFIELD, "check", "--base", base, "--no-buf", "--format", "json"]
    proc = subprocess.run(check, cwd=root, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"homefield check failed: {proc.stderr.strip()}")
    commands = {
        "check": check,
        "diff": ["git", "diff", "--name-status", base, "HEAD"],
        "empty": [HOMEFIELD, "check", "--base", "HEAD", "--no-buf", "--format", "json"],
    }
    seconds = {
        name: median_seconds(
            lambda c=command: subprocess.run(c, cwd=root, capture_output=True), runs
        )
        for name, command in commands.items()
    }
    seconds["check_cpu"] = median_cpu_seconds(check, root, runs)
    seconds["empty_cpu"] = median_cpu_seconds(commands["empty"], root, runs)
    return seconds


def in_process_seconds(root: Path, base: str, runs: int) -> float:
    """The check alone, without starting Python: Context.build plus run_checks."""
    from homefield.checks.context import Author, Context
    from homefield.checks.runner import run_checks
    from homefield.ownership import GitRepo

    def once() -> None:
        ctx = Context.build(GitRepo(root), base=base, head="HEAD", author=Author(), reviews=None)
        ctx.run_buf = False
        run_checks(ctx)

    return median_seconds(once, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        root = Path(tmp)
        base = build_change(root, args.files)
        seconds = measure(root, base, args.runs)
        seconds["in_process"] = in_process_seconds(root, base, args.runs)
    check_s = seconds["check"]
    sys.stdout.write(
        f"homefield check, {args.files} changed files, buf off: {check_s:.3f} s "
        f"(median of {args.runs})\n"
        f"baseline git diff --name-status, same range:    {seconds['diff']:.3f} s\n"
        f"homefield check on an empty range (fixed cost): {seconds['empty']:.3f} s\n"
        f"CPU (user+sys, with git): 2,000 files {seconds['check_cpu']:.3f} s, "
        f"empty range {seconds['empty_cpu']:.3f} s\n"
        f"the same check in process (no interpreter start): {seconds['in_process']:.3f} s\n"
        f"ratio check / git diff: {check_s / seconds['diff']:.0f}x\n"
        f"targets: 2,000 files under {FILES_TARGET} s: {_met(check_s < FILES_TARGET)}; "
        f"empty range under {EMPTY_TARGET} s: {_met(seconds['empty'] < EMPTY_TARGET)}\n"
    )


if __name__ == "__main__":
    main()
