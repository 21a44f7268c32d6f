"""`homefield usage` on seeded history in a real Prometheus: the surge is flagged, the planned
surge is seen but not flagged, and a Prometheus that is down is one line."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from homefield.local.health import free_port
from homefield.usage.seed import MIN_DAYS, SURGE_STEPS, scratch_prometheus
from homefield.usage.synthetic import STEP_SECONDS

# One seeding of the fewest days that hold a week-ago baseline: the raw series through
# promtool, three backfill passes through a scratch Prometheus, then the report.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
REPO = Path(__file__).resolve().parents[4]
END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # inside storefront's planned mark
DAYS = MIN_DAYS
BEFORE_SURGE = END - timedelta(seconds=SURGE_STEPS * STEP_SECONDS) - timedelta(hours=1)


def homefield(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "homefield"), *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


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


def test_seeded_history_flags_the_surge_and_honours_the_planned_mark(tmp_path: Path) -> None:
    """The surge is flagged on every signal, the planned surge is seen but not flagged, a day
    hour before the surge nothing is flagged, and the table lists flags and planned marks."""
    data = tmp_path / "data"
    at = END.isoformat()
    seeded = homefield(
        "usage", "--seed-history", "--data-dir", str(data), "--at", at, "--days", str(DAYS)
    )
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert f"writing {DAYS} days of raw series" in seeded.stdout
    assert "added" in seeded.stdout
    with scratch_prometheus(data, tmp_path) as start:
        prometheus = start()
        signals = _signals(prometheus, END)
        earlier = _signals(prometheus, BEFORE_SURGE)
        table = homefield("usage", "--prometheus", prometheus, "--at", at)

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

    assert not [key for key, row in earlier.items() if row["flagged"]]
    before = earlier[("orders", "requests")]
    assert before["now"] is not None and before["baseline"] is not None

    assert table.returncode == 0, table.stderr
    assert "FLAGGED" in table.stdout
    assert "storefront requests until 2027-01-04 (active)" in table.stdout


def test_too_short_a_history_is_refused_with_its_reason(tmp_path: Path) -> None:
    result = homefield(
        "usage",
        "--seed-history",
        "--data-dir",
        str(tmp_path),
        "--at",
        END.isoformat(),
        "--days",
        "3",
    )
    assert result.returncode == 1
    assert "3 days is too short" in result.stderr
    assert not list(tmp_path.iterdir())


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
