"""Per-part CPU and memory from /proc, for processes started the way `make up` starts them."""

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from homefield.local import processes

BUSY = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"
BUSY += "import signal; signal.pause()\n"


@pytest.fixture
def usage(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("proc_usage")


@pytest.fixture
def run_dir(tmp_path: Path) -> Iterator[Path]:
    """A .run with one part that burns 0.3 s of CPU, then waits, and one stale pid file."""
    run = tmp_path / ".run"
    processes.spawn(
        [sys.executable, "-c", BUSY],
        cwd=tmp_path,
        log_path=run / "logs" / "busy.log",
        pid_path=run / "pids" / "busy.pid",
    )
    (run / "pids" / "gone.pid").write_text("999999999 1\n", encoding="utf-8")
    yield run
    processes.stop(run / "pids" / "busy.pid", timeout=5)


def test_a_part_is_its_session_and_a_stale_pid_file_is_no_part(
    usage: ModuleType, run_dir: Path
) -> None:
    parts = usage.shop_parts(run_dir)
    assert list(parts) == ["busy"]
    now = usage.sample(parts)["busy"]
    assert now.rss_bytes > 0
    assert parts["busy"] in now.pids


def test_costs_are_differences_and_a_restart_is_flagged(usage: ModuleType) -> None:
    before = {"a": usage.Usage(1.0, 10, frozenset({1})), "b": usage.Usage(2.0, 10, frozenset({2}))}
    after = {
        "a": usage.Usage(1.5, 30, frozenset({1})),
        "b": usage.Usage(0.1, 20, frozenset({3})),
        "c": usage.Usage(0.2, 5, frozenset({4})),
    }
    by_name = {cost.name: cost for cost in usage.costs(before, after)}
    assert by_name["a"].cpu_seconds == pytest.approx(0.5)
    assert (by_name["a"].rss_bytes, by_name["a"].restarted) == (30, False)
    assert by_name["b"].restarted and by_name["c"].restarted
    assert [cost.name for cost in usage.costs(before, after)][0] == "a"


def test_the_machine_counter_only_grows(usage: ModuleType) -> None:
    first = usage.machine_busy_seconds()
    assert usage.machine_busy_seconds() >= first > 0
