"""`homefield usage` on three seeded weeks in a real Prometheus: the surge is flagged, the
planned surge is seen but not flagged, and a Prometheus that is down is one line."""

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from homefield.local.health import free_port
from homefield.usage.seed import scratch_prometheus

# Seeding writes and backfills three weeks through promtool and a scratch Prometheus.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
REPO = Path(__file__).resolve().parents[4]
END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # inside storefront's planned mark


def homefield(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "homefield"), *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("seeded")
    data = work / "data"
    seeded = homefield("usage", "--seed-history", "--data-dir", str(data), "--at", END.isoformat())
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert "added" in seeded.stdout
    with scratch_prometheus(data, work) as start:
        yield start()


def _signals(prometheus: str, at: datetime) -> dict[tuple[str, str], dict[str, object]]:
    result = homefield(
        "usage", "--prometheus", prometheus, "--at", at.isoformat(), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return {
        (service["service"], signal["signal"]): signal
        for team in data["teams"]
        for service in team["services"]
        for signal in service["signals"]
    }


def test_the_seeded_surge_is_flagged_and_the_planned_one_is_not(prometheus: str) -> None:
    signals = _signals(prometheus, END)
    for name in ("requests", "events", "cpu", "storage"):
        row = signals[("orders", name)]
        assert row["flagged"] is True, row
        assert isinstance(row["growth"], float) and row["growth"] > 0.5
    planned = signals[("storefront", "requests")]
    assert planned["flagged"] is False
    assert isinstance(planned["growth"], float) and planned["growth"] > 0.5
    assert planned["planned"] == {
        "until": "2027-01-04",
        "reason": "Holiday sale; traffic is expected to double until the new year",
        "link": "services/storefront/PRFAQ.md",
        "active": True,
    }
    assert not signals[("inventory", "requests")]["flagged"]


def test_a_day_before_the_surge_nothing_is_flagged(prometheus: str) -> None:
    signals = _signals(prometheus, END - timedelta(days=1))
    assert not [key for key, row in signals.items() if row["flagged"]]
    now = signals[("orders", "requests")]
    assert now["now"] is not None and now["baseline"] is not None


def test_the_table_lists_flags_and_planned_marks(prometheus: str) -> None:
    result = homefield("usage", "--prometheus", prometheus, "--at", END.isoformat())
    assert result.returncode == 0, result.stderr
    assert "FLAGGED" in result.stdout
    assert "storefront requests until 2027-01-04 (active)" in result.stdout


def test_a_prometheus_that_is_down_is_one_line() -> None:
    down = f"http://127.0.0.1:{free_port()}"
    result = homefield("usage", "--prometheus", down)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "Prometheus is down" in result.stderr


def test_a_bad_time_is_refused_with_its_reason() -> None:
    result = homefield("usage", "--at", "yesterday")
    assert result.returncode == 2
    assert "not an ISO 8601 time" in result.stderr
