import json
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from homefield.catalog import Catalog
from homefield.local import processes
from homefield.local.admin import run_blocking
from homefield.local.health import free_port, port_in_use
from homefield.local.parts import StackLayout
from homefield.local.stack import LocalStack
from homefield.testing.scratch_shop import write_scratch_shop

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[4]

PROMETHEUS = """\
global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: [rules.yml]
alerting:
  alertmanagers: [{{static_configs: [{{targets: ["127.0.0.1:{alertmanager}"]}}]}}]
scrape_configs:
  - job_name: fakeecho
    static_configs: [{{targets: ["127.0.0.1:{service}"]}}]
"""
RULES = """\
groups:
  - name: fakeecho
    rules:
      - alert: FakeEchoMetricsAbsent
        expr: up{job="fakeecho"} == 0
        labels: {team: checkout, severity: page}
        annotations: {runbook_url: services/fakeecho/RUNBOOK.md#metrics-absent}
"""
ALERTMANAGER = """\
route:
  receiver: checkout-page
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
receivers:
  - name: checkout-page
    webhook_configs: [{{url: "http://127.0.0.1:{sink}/alerts/checkout/page"}}]
"""


class FakeEcho:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _write_monitoring(layout: StackLayout, service_port: int) -> None:
    prometheus, alertmanager = layout.prometheus_config, layout.alertmanager_config
    prometheus.parent.mkdir(parents=True)
    alertmanager.parent.mkdir(parents=True)
    ports = {"alertmanager": layout.alertmanager_port, "service": service_port}
    prometheus.write_text(PROMETHEUS.format(**ports))
    (prometheus.parent / "rules.yml").write_text(RULES)
    alertmanager.write_text(ALERTMANAGER.format(sink=layout.sink_port))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, FakeEcho]]:
    """One shop for the module: the tests below run in order, the last one takes it down."""
    tmp_path = tmp_path_factory.mktemp("shop")
    service_port = free_port()
    write_scratch_shop(tmp_path, http_port=service_port)
    (tmp_path / ".cache").symlink_to(REPO / ".cache")
    layout = StackLayout(
        root=tmp_path.resolve(),
        python=Path(sys.executable),
        kafka_port=free_port(),
        controller_port=free_port(),
        prometheus_port=free_port(),
        alertmanager_port=free_port(),
        sink_port=free_port(),
        zipkin_port=free_port(),
        console_port=free_port(),
    )
    _write_monitoring(layout, service_port)
    echo = FakeEcho()
    local = LocalStack(layout, Catalog.load(tmp_path), echo)
    yield local, echo
    local.down()


def _pages(url: str, deadline: float) -> list[Any]:
    while True:
        alerts: list[Any] = _get(f"{url}?team=checkout")["alerts"]
        if alerts or time.monotonic() > deadline:
            return alerts
        time.sleep(0.5)


def test_up_brings_every_part_up_and_creates_the_topics(
    stack: tuple[LocalStack, FakeEcho],
) -> None:
    local, echo = stack
    states = local.up(timeout=120)
    assert {s.part.name: s.state for s in states} == {
        "kafka": "up",
        "fakeecho": "up",
        "alert-sink": "up",
        "alertmanager": "up",
        "prometheus": "up",
        "zipkin": "up",
        "console": "up",
    }
    assert "topics: 2 declared, 2 created" in echo.lines


def test_a_prometheus_alert_reaches_the_sink_for_its_team(
    stack: tuple[LocalStack, FakeEcho],
) -> None:
    local, _ = stack
    sink = local.part("alert-sink").urls[0]
    [page, *_] = _pages(sink, time.monotonic() + 120)
    assert page["alertname"] == "FakeEchoMetricsAbsent"
    assert page["severity"] == "page"
    assert page["labels"]["team"] == "checkout"
    assert page["annotations"]["runbook_url"].endswith("#metrics-absent")


def test_up_again_leaves_running_parts_alone_and_restarts_a_killed_one(
    stack: tuple[LocalStack, FakeEcho],
) -> None:
    local, echo = stack
    service, kafka = local.part("fakeecho"), local.part("kafka")
    first, broker = local.pid(service), local.pid(kafka)
    local.kill(service)
    assert [s.state for s in local.states() if s.part is service] == ["down"]
    assert all(s.state == "up" for s in local.up(timeout=120))
    assert local.pid(service) not in (None, first)
    assert local.pid(kafka) == broker
    assert f"kafka: already running (pid {broker})" in echo.lines


def test_the_broker_comes_back_with_its_topics_after_a_crash(
    stack: tuple[LocalStack, FakeEcho],
) -> None:
    local, _ = stack
    local.restart_broker(hard=True, timeout=120)
    assert run_blocking(lambda: _topics(local.layout.kafka_bootstrap)) >= {"fakeecho.v1"}
    assert all(state.healthy for state in local.states())


def test_down_leaves_no_process_and_no_listening_port(stack: tuple[LocalStack, FakeEcho]) -> None:
    local, _ = stack
    pids = [state.pid for state in local.states()]
    assert local.down() == []
    ports = [port for part in local.parts for port in part.ports]
    assert not any(port_in_use("127.0.0.1", port) for port in ports)
    assert all(state.state == "down" for state in local.states())
    assert all(pid is not None and not processes.is_running(pid) for pid in pids)


async def _topics(bootstrap: str) -> set[str]:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()
