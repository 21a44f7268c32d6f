"""`make loadtest --profile`: py-spy's collapsed stacks summarised per part."""

import asyncio
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from homefield.local import processes

BUSY = "def spin_the_wheel():\n    while True: sum(range(1000))\nspin_the_wheel()\n"


@pytest.fixture
def profiles(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("profiles")


def test_own_and_total_samples_per_function(profiles: ModuleType) -> None:
    stacks = [
        "main (a.py:1);handle (a.py:5);encode (json.py:9) 6\n",
        "main (a.py:1);handle (a.py:5) 3\n",
        "main (a.py:1);poll (b.py:2);poll (b.py:2) 1\n",  # recursion counts once in total
        "garbage\n",
    ]
    found = profiles.hotspots("orders", stacks)
    assert found.samples == 10
    assert found.own[0] == ("encode (json.py:9)", 6)
    assert dict(found.total)["main (a.py:1)"] == 10
    assert dict(found.total)["poll (b.py:2)"] == 1
    text = "\n".join(profiles.render(found))
    assert "orders: 10 samples" in text and " 60.0%  encode (json.py:9)" in text


@pytest.fixture
def busy_part(tmp_path: Path) -> Iterator[dict[str, int]]:
    pid_path = tmp_path / "pids" / "busy.pid"
    pid = processes.spawn(
        [sys.executable, "-c", BUSY],
        cwd=tmp_path,
        log_path=tmp_path / "busy.log",
        pid_path=pid_path,
    )
    yield {"busy": pid}
    processes.stop(pid_path, timeout=5)


def test_py_spy_profiles_a_running_python_part(
    profiles: ModuleType, busy_part: dict[str, int], tmp_path: Path
) -> None:
    binary = profiles.py_spy()
    assert binary is not None, "py-spy comes with the dev dependencies (make setup)"
    assert profiles.python_parts({**busy_part, "init": 1}) == busy_part
    profiler = profiles.Profiler(binary, busy_part, tmp_path / "profiles", 1)

    async def record() -> None:
        await profiler.start()
        await asyncio.wait_for(profiler.wait(), 60)

    asyncio.run(record())
    summary = "\n".join(profiles.summarize(tmp_path / "profiles"))
    assert "busy:" in summary and "spin_the_wheel" in summary
