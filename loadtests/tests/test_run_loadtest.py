"""`make loadtest` as a whole: what it refuses, and a real run of wrk against a stand-in
storefront whose orders go through a real broker's orders topic."""

import asyncio
import json
import socket
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from homefield.local import processes
from homefield.runtime.envelope import encode_headers
from shop.orders.v1 import events_pb2


@pytest.fixture
def run_dir(tmp_path: Path) -> Iterator[Path]:
    """A .run with one running part (a process that waits), as `make up` leaves it."""
    run = tmp_path / ".run"
    processes.spawn(
        [sys.executable, "-c", "import signal; signal.pause()"],
        cwd=tmp_path,
        log_path=run / "logs" / "part.log",
        pid_path=run / "pids" / "part.pid",
    )
    yield run
    processes.stop(run / "pids" / "part.pid", timeout=5)


def closed_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_no_shop_processes_is_refused(
    wrapper: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = wrapper.main(["--run-dir", str(tmp_path / ".run"), "--url", closed_url()])
    assert code == 1
    assert "no running part of the shop" in capsys.readouterr().err


def test_a_storefront_that_does_not_answer_is_refused(
    wrapper: ModuleType, run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = closed_url()
    assert wrapper.main(["--run-dir", str(run_dir), "--url", url]) == 1
    assert f"the storefront at {url} does not answer" in capsys.readouterr().err


def test_a_refused_api_key_is_named(
    wrapper: ModuleType,
    run_dir: Path,
    standin: tuple[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, _ = standin
    args = ["--run-dir", str(run_dir), "--url", url, "--api-key", "wrong"]
    assert wrapper.main(args) == 1
    assert "answered 401: is the API key right?" in capsys.readouterr().err


def test_a_paced_run_beyond_the_stock_is_refused_before_any_order(
    wrapper: ModuleType,
    run_dir: Path,
    standin: tuple[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, shop = standin
    args = ["--run-dir", str(run_dir), "--url", url, "--rate", "100", "--duration", "20s"]
    assert wrapper.main(args) == 1
    assert "plans 2000 orders but the shop's stock allows 57" in capsys.readouterr().err
    assert shop.accepted == []


def test_bad_arguments_are_named(wrapper: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    for argv, message in (
        (["--rate", "0"], "--rate must be above 0"),
        (["--duration", "1h"], "expected whole seconds or minutes"),
        (["--connections", "0"], "--connections must be 1 to 1000"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            wrapper.parse_args(argv)
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err


class OrdersTopic:
    """Publishes OrderPlaced, then OrderShipped 250 ms later by ce_time, for every order the
    stand-in accepts, from a thread with its own event loop."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.topic = topic
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.producer = self._call(self._start(bootstrap))

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    async def _start(self, bootstrap: str) -> AIOKafkaProducer:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
        await producer.start()
        return producer

    async def _send(self, order_id: str, customer_id: str) -> None:
        placed_at = datetime.now(UTC)
        events = (
            (events_pb2.OrderPlaced(order_id=order_id, customer_id=customer_id), placed_at),
            (events_pb2.OrderShipped(order_id=order_id), placed_at + timedelta(milliseconds=250)),
        )
        for n, (event, at) in enumerate(events):
            headers = encode_headers(
                ce_id=f"{order_id}-{n}",
                ce_type=event.DESCRIPTOR.full_name,
                ce_source="//homefield/tests",
                ce_time=at.isoformat().replace("+00:00", "Z"),
                traceparent="",
            )
            await self.producer.send_and_wait(
                self.topic, event.SerializeToString(), key=order_id.encode(), headers=headers
            )

    def on_order(self, order_id: str, order: dict[str, Any]) -> None:
        self._call(self._send(order_id, order["customer_id"]))

    def close(self) -> None:
        self._call(self.producer.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@pytest.mark.integration
def test_a_run_counts_every_order_from_the_topic_and_the_parts_from_proc(
    wrapper: ModuleType,
    run_dir: Path,
    standin: tuple[str, Any],
    kafka_bootstrap: str,
    kafka_topics: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, shop = standin
    kafka_topics("orders.v1", partitions=2)
    topic = OrdersTopic(kafka_bootstrap, kafka_topics.prefix + "orders.v1")
    shop.on_order = topic.on_order
    figures = tmp_path / "figures.json"
    try:
        code = wrapper.main(
            [
                *("--run-dir", str(run_dir), "--url", url, "--kafka", kafka_bootstrap),
                *("--topic-prefix", kafka_topics.prefix, "--connections", "2"),
                *("--duration", "2s", "--settle", "0", "--json", str(figures)),
            ]
        )
    finally:
        topic.close()
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(figures.read_text(encoding="utf-8"))
    sold = len(shop.accepted)
    assert sold > 0
    assert data["placed"] == data["terminal"] == data["shipped"] == sold
    assert data["accepted"] <= sold  # wrk drops the answers still in flight when it stops
    assert data["unfinished"] == 0
    assert data["to_shipped_ms"]["p50"] == pytest.approx(250.0)
    assert [part["name"] for part in data["parts"]] == ["part"]
    assert f"placed {sold}, terminal {sold} (SHIPPED {sold}" in out
