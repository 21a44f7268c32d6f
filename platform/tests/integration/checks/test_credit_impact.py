"""Downstream impact read from a real Prometheus holding seeded history (written with
`promtool tsdb create-blocks-from openmetrics`): an away change after which a downstream SLO
burns less budget and answers faster is named as a positive impact, with its figures."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from homefield.local.health import free_port, http_ok

DAY = 86_400
# The merge, five days ago on a whole minute (inside Prometheus' default 15-day retention).
MERGED = int(datetime.now(UTC).timestamp()) // 60 * 60 - 5 * DAY
READY_SECONDS = 90  # start-up of one Prometheus over two small blocks, on a busy machine
SERIES = '{service="inventory",slo="reserve-availability"}'


def openmetrics() -> str:
    """The day before the merge burns 3x the budget rate, the day after 0.6x; p99 falls from
    the 0.25 s bucket to the 0.1 s bucket."""
    lines = [f"slo:error_budget:ratio{SERIES} 0.001 {t}" for t in (MERGED, MERGED + DAY)]
    lines += [
        f"slo:sli_error:ratio_rate1d{SERIES} {ratio} {t}"
        for t, ratio in ((MERGED, 0.003), (MERGED + DAY, 0.0006))
    ]
    # cumulative bucket counts at the start of each day and at its end
    counts = {
        "0.1": (0, 0, 1000),
        "0.25": (0, 1000, 2000),
        "+Inf": (0, 1000, 2000),
    }
    for le, values in counts.items():
        name = f'grpc_server_handling_seconds_bucket{{service="inventory",le="{le}"}}'
        times = (MERGED - DAY + 60, MERGED, MERGED + DAY)
        lines += [f"{name} {v} {t}" for v, t in zip(values, times, strict=True)]
    return "\n".join(lines) + "\n# EOF\n"


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("prometheus")
    (root / "seed.om").write_text(openmetrics(), encoding="utf-8")
    subprocess.run(
        ["promtool", "tsdb", "create-blocks-from", "openmetrics", "seed.om", "tsdb"],
        cwd=root, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    (root / "prometheus.yml").write_text("global: {}\n", encoding="utf-8")
    port = free_port()
    with (root / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(
            [
                "prometheus", f"--config.file={root / 'prometheus.yml'}",
                f"--storage.tsdb.path={root / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_SECONDS
        while not http_ok(f"{url}/-/ready"):
            assert time.monotonic() < deadline, (root / "prometheus.log").read_text()[-2000:]
            assert process.poll() is None, (root / "prometheus.log").read_text()[-2000:]
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_less_burn_and_lower_latency_downstream_are_named_positive(
    scratch, homefield, prometheus, monkeypatch
):
    scratch.append("services/inventory/service.yaml", "calls: [shop.orders.v1.OrdersService]\n")
    scratch.commit("dan", "inventory calls orders")
    stamp = datetime.fromtimestamp(MERGED, UTC).isoformat()
    monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)
    monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
    scratch.append("services/orders/src/orders/handlers.py", "\nRETRIES = 2\n")
    scratch.commit("dan", "orders retries")
    since = (datetime.now(UTC) - timedelta(days=10)).strftime("%Y-%m-%d")
    code, out, err = homefield.run(
        "credit", "--rev", "HEAD", "--since", since, "--prometheus", prometheus, "--format", "json"
    )
    assert code == 0, err
    fulfillment = next(t for t in json.loads(out)["teams"] if t["team"] == "fulfillment")
    row = next(r for r in fulfillment["impact"] if r["service"] == "orders")
    assert (row["home"], row["downstream"]) == (False, ["inventory"])
    (slo,) = row["slo_after"]
    assert slo["slo"] == "reserve-availability"
    # 3x the budget rate over one day of thirty: 10% of the budget; 0.6x: 2%
    assert round(slo["budget_spent_before"], 4) == 0.1
    assert round(slo["budget_spent_after"], 4) == 0.02
    assert slo["p99_before_ms"] > 200 and slo["p99_after_ms"] < 100
    assert row["positive"][0].startswith(
        "less budget burnt: inventory reserve-availability spent 10.00% of its 30-day budget"
    )
    assert row["positive"][1].startswith("lower latency: inventory p99")
    assert fulfillment["contributed"][0]["slo_after"] == [
        {
            "service": "inventory",
            "slo": "reserve-availability",
            "budget_spent": slo["budget_spent_after"],
        }
    ]
