"""`make chaos`: N rounds of every fault against the running local shop, one line per round,
then the rounds passed out of rounds run per fault, also written to loadtests/RESULTS.md.

Run: PYTHONPATH=tests .venv/bin/python -m chaos_harness [--rounds 10] [--orders 100]
     [--faults "broker restart,broker kill-9"] [--no-results]
Exit codes: 0 every round passed, 1 a round failed, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

from homefield.catalog import Catalog
from shop_client import ShopClient

from chaos_harness.faults import consumers, every_fault, fault_keys
from chaos_harness.results import write_results
from chaos_harness.rounds import RoundResult, run_round

REPO = Path(__file__).resolve().parents[2]


def parse(argv: list[str], names: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="make chaos", description=" ".join(__doc__.split("\n\n")[0].split())
    )
    parser.add_argument("--rounds", type=int, default=10, help="rounds of every fault (10)")
    parser.add_argument("--orders", type=int, default=100, help="orders placed per round (100)")
    parser.add_argument(
        "--faults", default="", help=f"comma-separated subset of: {', '.join(names)}"
    )
    parser.add_argument("--no-results", action="store_true", help="leave RESULTS.md alone")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.orders < 8:
        parser.error("--rounds must be at least 1 and --orders at least 8")
    wanted = [name.strip() for name in args.faults.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in names]
    if unknown:
        parser.error(f"unknown fault(s) {', '.join(unknown)}; choose from {', '.join(names)}")
    args.wanted = wanted or names
    return args


def main(argv: list[str]) -> int:
    catalog = Catalog.load(REPO)
    args = parse(argv, fault_keys(catalog))
    paused = consumers(catalog)
    shop = ShopClient.open(REPO)
    results: list[RoundResult] = []
    total = args.rounds * len(args.wanted)
    started = time.monotonic()
    for round_number in range(args.rounds):
        faults = every_fault(catalog, paused[round_number % len(paused)])
        for fault in (fault for fault in faults if fault.key in args.wanted):
            result = run_round(shop, fault, number=len(results) + 1, orders=args.orders)
            results.append(result)
            print(result.line(total), flush=True)  # noqa: T201
    summary = summarise(results)
    for line in summary:
        print(line)  # noqa: T201
    if not args.no_results:
        write_results(
            REPO / "loadtests" / "RESULTS.md",
            argv=argv,
            summary=summary,
            minutes=(time.monotonic() - started) / 60,
            load=os.getloadavg()[0],
        )
    return 0 if all(result.passed for result in results) else 1


def summarise(results: list[RoundResult]) -> list[str]:
    by_fault: dict[str, list[RoundResult]] = defaultdict(list)
    for result in results:
        by_fault[result.key].append(result)
    lines = []
    for fault, runs in by_fault.items():
        passed = sum(run.passed for run in runs)
        settled = sorted(run.settled_seconds for run in runs if run.settled_seconds is not None)
        worst = f", slowest settle {settled[-1]:.1f}s" if settled else ""
        lines.append(f"{fault:<24} {passed}/{len(runs)} rounds passed{worst}")
    passed = sum(result.passed for result in results)
    lines.append(f"{'all faults':<24} {passed}/{len(results)} rounds passed")
    return lines


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
