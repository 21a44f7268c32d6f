"""Game days share a second Prometheus (the ``fast_prometheus`` fixture) that loads the rules
with windows shortened 20x (`homefield render --window-scale 20`, a test-only option) from a
temporary directory, scrapes the running shop and alerts through the shop's Alertmanager to the
local alert sink."""

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from homefield.local.health import free_port
from shop_client import ShopClient

SINK = "http://127.0.0.1:9097/alerts"


@pytest.fixture
def fast_prometheus(shop: ShopClient, tmp_path: Path) -> Iterator[str]:
    homefield = shop.repo / ".venv" / "bin" / "homefield"
    subprocess.run(
        [str(homefield), "render", "--window-scale", "20", "--out", str(tmp_path)],
        cwd=shop.repo,
        check=True,
        capture_output=True,
    )
    port = free_port()
    config = tmp_path / "deploy" / "prometheus" / "prometheus.yml"
    with (tmp_path / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(
            [
                "prometheus",
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: httpx.get(f"{url}/-/ready").status_code == 200, 60, "prometheus ready")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except httpx.HTTPError:
            result = None
        if result:
            return result
        time.sleep(2)
    raise AssertionError(f"{what}: not within {timeout}s")


def firing_pages(prometheus: str) -> list[dict[str, Any]]:
    """Every page alert firing in ``prometheus``."""
    alerts = httpx.get(f"{prometheus}/api/v1/alerts").json()["data"]["alerts"]
    return [
        alert
        for alert in alerts
        if alert["state"] == "firing" and alert["labels"].get("severity") == "page"
    ]


def sink_pages(team: str) -> list[dict[str, Any]]:
    """Pages the local alert sink received for ``team``."""
    return list(httpx.get(SINK, params={"team": team, "severity": "page"}).json()["alerts"])
