"""`homefield usage --seed-history`: weeks of synthetic usage in the local Prometheus.

Raw series go in with `promtool tsdb create-blocks-from openmetrics`. The recordings are then
backfilled level by level with `create-blocks-from rules` (signals, then baselines and spread,
then growth, flags and team sums), each level read back through a scratch Prometheus that has
the levels before it. The blocks then move into the target data directory. The last hours of
the third week carry a surge: on every signal of ``SURGE_SERVICE`` (unplanned, so flagged) and
on every signal a planned mark covers (seen, but not flagged).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from homefield.catalog import Catalog
from homefield.local.health import free_port, http_ok
from homefield.local.parts import LOCAL_RETENTION
from homefield.render.text import yaml_text
from homefield.slo.rules import Rule
from homefield.usage import promql, synthetic
from homefield.usage.rules import (
    baseline_recordings,
    growth_recordings,
    merged,
    signal_recordings,
    team_recordings,
)

DAYS = 21  # three weeks: every week the baseline's median reads
MIN_DAYS = 8  # a week-ago baseline and a day of growth over it
SURGE_SERVICE = "orders"
SURGE_STEPS = 12 * 3600 // synthetic.STEP_SECONDS
RECENT_DAYS = 2  # baselines and flags are backfilled for the last days only
READY_TIMEOUT_SECONDS = 120.0


class SeedError(Exception):
    """A tool failed; the message carries its own words."""


def _run(*command: str) -> None:
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise SeedError(
            f"{Path(command[0]).name} {command[1]} {command[2]} failed: {' '.join(tail)}"
        )


def openmetrics(catalog: Catalog, start: int, steps: int, at: datetime) -> str:
    """Every raw series of every service from ``start`` (Unix seconds), one sample a step."""
    lines: list[str] = []
    for index, entry in enumerate(catalog.services.values()):
        planned = {m.signal for m in entry.spec.planned_growth if m.active_at(at)}
        for position, signal in enumerate(entry.spec.signals):
            days = steps // synthetic.STEPS_PER_DAY
            shape = synthetic.wavy(days, seed=index * 10 + position)
            if entry.name == SURGE_SERVICE or signal.name in planned:
                shape = synthetic.surge(shape, steps=SURGE_STEPS)
            raw = synthetic.raw_series(entry, signal.name)
            level = synthetic.BASE_LEVEL[signal.name]
            samples = synthetic.values(shape, level, counter=raw.counter)
            for step, sample in enumerate(samples):
                lines.append(f"{raw.selector} {sample} {start + step * synthetic.STEP_SECONDS}")
    return "\n".join([*lines, "# EOF"]) + "\n"


@contextmanager
def scratch_prometheus(data: Path, workdir: Path) -> Iterator[Callable[[], str]]:
    """A Prometheus over ``data`` on a free port; calling the yielded function (re)starts it
    and returns its URL, so it loads blocks moved in since."""
    config = workdir / "prometheus.yml"
    config.write_text("global: {scrape_interval: 1m}\n", encoding="utf-8")
    state: dict[str, subprocess.Popen[bytes]] = {}

    def restart() -> str:
        _stop(state)
        port = free_port()
        command = [
            shutil.which("prometheus") or "/usr/bin/prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={data}",
            f"--storage.tsdb.retention.time={LOCAL_RETENTION}",
            f"--web.listen-address=127.0.0.1:{port}",
        ]
        log = (workdir / "prometheus.log").open("ab")
        state["proc"] = subprocess.Popen(command, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, state["proc"], workdir / "prometheus.log")
        return url

    try:
        yield restart
    finally:
        _stop(state)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    import time

    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SeedError(f"scratch Prometheus exited: {log.read_text()[-300:]}")
        if http_ok(f"{url}/-/ready"):
            return
        time.sleep(0.2)
    raise SeedError(f"scratch Prometheus at {url} not ready in {READY_TIMEOUT_SECONDS:.0f} s")


def _stop(state: dict[str, subprocess.Popen[bytes]]) -> None:
    proc = state.pop("proc", None)
    if proc is not None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _blocks(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.is_dir() and (p / "meta.json").is_file()]


def _move_blocks(source: Path, target: Path) -> int:
    target.mkdir(parents=True, exist_ok=True)
    moved = _blocks(source) if source.is_dir() else []
    for block in moved:
        shutil.move(str(block), str(target / block.name))
    return len(moved)


def _backfill(
    rules: list[Rule], interval: str, url: str, span: tuple[int, int], work: Path, data: Path
) -> None:
    name = f"pass{len(list(work.glob('pass*.rules.yml'))) + 1}"
    rule_file = work / f"{name}.rules.yml"
    group = {"name": name, "interval": interval, "rules": merged(rules)}
    rule_file.write_text(
        yaml_text({"groups": [group]}),
        encoding="utf-8",
    )
    out = work / name
    _run(
        shutil.which("promtool") or "/usr/bin/promtool",
        "tsdb",
        "create-blocks-from",
        "rules",
        f"--url={url}",
        f"--start={span[0]}",
        f"--end={span[1]}",
        f"--output-dir={out}",
        "--quiet",
        str(rule_file),
    )
    _move_blocks(out, data)


def seed_history(
    catalog: Catalog,
    target: Path,
    *,
    end: datetime,
    echo: Callable[[str], None],
    days: int = DAYS,
) -> int:
    """Write ``days`` of seeded blocks into ``target``; return how many blocks were added."""
    if days < MIN_DAYS:
        raise SeedError(f"{days} days is too short: a week-ago baseline needs {MIN_DAYS} or more")
    step = synthetic.STEP_SECONDS
    stop = int(end.timestamp()) // step * step
    start = stop - days * 86_400
    steps = (stop - start) // step + 1
    services = list(catalog.services.values())
    with tempfile.TemporaryDirectory(prefix="homefield-seed-") as tmp:
        work = Path(tmp)
        data = work / "data"
        echo(f"writing {days} days of raw series for {len(services)} services")
        (work / "raw.om").write_text(openmetrics(catalog, start, steps, end), encoding="utf-8")
        promtool = shutil.which("promtool") or "/usr/bin/promtool"
        _run(promtool, "tsdb", "create-blocks-from", "openmetrics", str(work / "raw.om"), str(data))
        recent = stop - RECENT_DAYS * 86_400
        signals = [r for e in services for r in signal_recordings(e)]
        baselines = [r for e in services for r in baseline_recordings(e)]
        growth = [r for e in services for r in growth_recordings(e)] + team_recordings()
        levels = [
            ("the 1 h averages", promql.SIGNALS_INTERVAL, start, signals),
            ("baselines and spread", promql.GROWTH_INTERVAL, recent, baselines),
            ("growth, flags and team sums", promql.GROWTH_INTERVAL, recent, growth),
        ]
        with scratch_prometheus(data, work) as restart:
            for title, interval, since, rules in levels:
                echo(f"backfilling {title}")
                _backfill(rules, interval, restart(), (since, stop), work, data)
        return _move_blocks(data, target)


def seed_end(now: datetime) -> datetime:
    """Seeded history ends a little before now, clear of the head block being written."""
    return now - timedelta(minutes=10)
