"""The figures `make loadtest` prints: percentiles, order latency from history, Locust's CSV,
and the wrapper end to end against a stand-in storefront with real Locust."""

import json
import random
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy
import pytest

T0 = datetime(2026, 11, 26, 10, 0, 0, tzinfo=UTC)


def stamp(offset_ms: float) -> str:
    return (T0 + timedelta(milliseconds=offset_ms)).isoformat().replace("+00:00", "Z")


def order(order_id: str, *steps: tuple[str, float]) -> dict[str, Any]:
    history = [{"status": status, "at": stamp(ms)} for status, ms in steps]
    return {"order_id": order_id, "status": steps[-1][0], "history": history}


LOCUST_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def test_percentiles_match_numpy_linear_interpolation(stats: ModuleType) -> None:
    rng = random.Random(7)
    values = [rng.expovariate(1 / 40) for _ in range(1001)]
    for q in (0, 50, 95, 99, 100):
        assert stats.percentile(values, q) == pytest.approx(numpy.percentile(values, q))
    assert stats.percentile([12.0], 99) == 12.0


def test_percentile_of_nothing_is_an_error(stats: ModuleType) -> None:
    with pytest.raises(ValueError, match="no values"):
        stats.percentile([], 50)


def test_latency_runs_from_placed_to_the_terminal_entry_of_the_history(
    stats: ModuleType,
) -> None:
    shipped = stats.order_timing(
        order("o-1", ("PENDING", 0), ("RESERVED", 40), ("CONFIRMED", 90), ("SHIPPED", 180))
    )
    cancelled = stats.order_timing(order("o-2", ("PENDING", 10), ("CANCELLED", 35)))
    assert (shipped.status, shipped.latency_ms) == ("SHIPPED", pytest.approx(180))
    assert (cancelled.status, cancelled.latency_ms) == ("CANCELLED", pytest.approx(25))


def test_an_order_still_in_flight_has_no_latency(stats: ModuleType) -> None:
    assert stats.order_timing(order("o-3", ("PENDING", 0), ("RESERVED", 40))) is None


def test_read_orders_counts_unfinished_orders(stats: ModuleType, tmp_path: Path) -> None:
    lines = [
        order("o-1", ("PENDING", 0), ("SHIPPED", 200)),
        order("o-2", ("PENDING", 0), ("RESERVED", 30)),
        order("o-3", ("PENDING", 0), ("CANCELLED", 50)),
    ]
    path = tmp_path / "orders.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    timings, unfinished = stats.read_orders(path)
    assert sorted(t.order_id for t in timings) == ["o-1", "o-3"]
    assert unfinished == 1


def test_a_bad_order_line_names_the_file_and_line(stats: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    good = json.dumps(order("o-1", ("PENDING", 0), ("SHIPPED", 5)))
    path.write_text(f'{good}\n{{"order_id": "o-2"}}\n', encoding="utf-8")
    with pytest.raises(stats.StatsError, match=r"orders\.jsonl:2: not an order with a history"):
        stats.read_orders(path)


def test_locust_csv_gives_aggregated_percentiles_and_orders_placed(
    stats: ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "run_stats.csv"
    path.write_text(
        LOCUST_HEADER + "\n"
        "GET,/v1/products,120,0,8,9.1,2,40,310,10.0,0.0,8,9,10,11,14,18,25,31,40,40,40\n"
        "POST,/v1/orders,100,3,15,17.0,5,90,40,8.3,0.2,15,17,19,20,25,33,51,70,90,90,90\n"
        ",Aggregated,220,3,11,12.6,2,90,190,18.3,0.2,11,13,15,16,20,27,44,60,90,90,90\n",
        encoding="utf-8",
    )
    http = stats.read_locust_stats(path)
    assert (http.requests, http.failures, http.placed) == (220, 3, 97)
    assert (http.p50_ms, http.p95_ms, http.p99_ms) == (11, 27, 60)


def test_locust_csv_without_requests_reports_no_percentiles(
    stats: ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "run_stats.csv"
    na = ",".join(["N/A"] * 11)
    path.write_text(f"{LOCUST_HEADER}\n,Aggregated,0,0,0,0,0,0,0,0,0,{na}\n", encoding="utf-8")
    http = stats.read_locust_stats(path)
    assert (http.requests, http.p50_ms, http.p99_ms) == (0, None, None)


def test_locust_csv_missing_a_column_is_named(stats: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "run_stats.csv"
    path.write_text("Type,Name,Request Count\n,Aggregated,3\n", encoding="utf-8")
    with pytest.raises(stats.StatsError, match="no column 'Failure Count'"):
        stats.read_locust_stats(path)


@pytest.mark.parametrize(
    ("text", "seconds"), [("60s", 60), ("2m", 120), ("1h30m", 5400), ("90", 90)]
)
def test_run_time_is_read_like_locust_reads_it(
    stats: ModuleType, text: str, seconds: float
) -> None:
    assert stats.parse_run_time(text) == seconds


@pytest.mark.parametrize("text", ["soon", "", "0s", "5 minutes"])
def test_a_bad_run_time_is_refused(stats: ModuleType, text: str) -> None:
    with pytest.raises(stats.StatsError, match="--run-time"):
        stats.parse_run_time(text)


def test_summary_counts_terminal_orders_per_second_and_errors(stats: ModuleType) -> None:
    timings = [
        stats.order_timing(order(f"o-{i}", ("PENDING", 0), ("SHIPPED", 100 + i))) for i in range(30)
    ]
    timings.append(stats.order_timing(order("o-x", ("PENDING", 0), ("CANCELLED", 20))))
    http = stats.HttpStats(requests=500, failures=2, p50_ms=10, p95_ms=30, p99_ms=45, placed=33)
    summary = stats.Summary(duration_s=10.0, http=http, orders=timings, unfinished=1)
    text = "\n".join(stats.render(summary))
    assert summary.orders_per_second == pytest.approx(3.1)
    assert "orders terminal:              31 (SHIPPED 30, CANCELLED 1)" in text
    assert "HTTP p50 / p95 / p99:         10 ms / 30 ms / 45 ms" in text
    assert summary.latency_ms(50) == pytest.approx(114)
    assert summary.latency_ms(50, "SHIPPED") == pytest.approx(114.5)
    assert summary.latency_ms(0, "SHIPPED") == pytest.approx(100)
    assert summary.latency_ms(0) == pytest.approx(20)
    assert "placed -> SHIPPED p50 / p99:  114 ms / 129 ms" in text
    assert "errors:                       3 (failed requests 2" in text


class FakeStorefront(BaseHTTPRequestHandler):
    """Products, orders and order status the way the storefront answers them. An order shows
    SHIPPED from its second read on, 250 ms after it was placed by its own history."""

    api_key = "local-dev-key"
    orders: dict[str, int] = {}
    lock = threading.Lock()

    def log_message(self, *_args: Any) -> None:
        return

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.api_key}":
            self._send(401, {"error": "unauthorized"})
            return False
        return True

    def do_GET(self) -> None:
        if not self._authorized():
            return
        if self.path == "/v1/products":
            self._send(200, [{"sku": "MUG-1", "name": "Mug", "price_cents": 900, "available": 5}])
            return
        order_id = self.path.rsplit("/", 1)[-1]
        with self.lock:
            if order_id not in self.orders:
                self._send(404, {"error": "not found"})
                return
            self.orders[order_id] += 1
            reads = self.orders[order_id]
        steps = [("PENDING", 0.0)]
        if reads > 1:
            steps += [("CONFIRMED", 100.0), ("SHIPPED", 250.0)]
        self._send(200, order(order_id, *steps))

    def do_POST(self) -> None:
        if not self._authorized():
            return
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.lock:
            order_id = f"o-{len(self.orders) + 1}"
            self.orders[order_id] = 0
        self._send(202, {"order_id": order_id, "status": "PENDING"})


@pytest.fixture
def storefront() -> Iterator[str]:
    FakeStorefront.orders = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStorefront)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_loadtest_prints_figures_from_a_real_locust_run(
    wrapper: ModuleType, storefront: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = wrapper.main(
        ["--host", storefront, "--users", "2", "--spawn-rate", "2", "--run-time", "3s"]
    )
    out = capsys.readouterr().out
    assert code == 0
    terminal = next(line for line in out.splitlines() if line.startswith("orders terminal:"))
    assert int(terminal.split()[2]) > 0
    assert "CANCELLED 0" in terminal
    assert "placed -> terminal p50 / p99: 250 ms / 250 ms" in out
    assert "errors:                       0 (failed requests 0" in out


def test_loadtest_refuses_to_run_when_the_shop_is_down(
    wrapper: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    code = wrapper.main(["--host", closed, "--run-time", "3s"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"the storefront does not answer on {closed}" in err
    assert "run `make up` first" in err


def test_loadtest_names_a_refused_api_key(
    wrapper: ModuleType, storefront: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = wrapper.main(["--host", storefront, "--api-key", "wrong", "--run-time", "3s"])
    assert code == 1
    assert "refused the API key (401)" in capsys.readouterr().err


def test_a_target_rate_is_shared_among_the_users(wrapper: ModuleType, tmp_path: Path) -> None:
    paced = wrapper.parse_args(["--rate", "50", "--users", "100"])
    flat = wrapper.parse_args([])
    orders = tmp_path / "orders.jsonl"
    assert wrapper.locust_env(paced, orders)["HOMEFIELD_LOADTEST_USER_RATE"] == "0.5"
    assert wrapper.locust_env(flat, orders)["HOMEFIELD_LOADTEST_USER_RATE"] == "0"


def test_a_paced_run_still_follows_orders_to_the_end(
    wrapper: ModuleType, storefront: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--host", storefront, "--users", "2", "--spawn-rate", "2", "--run-time", "3s"]
    assert wrapper.main([*args, "--rate", "4"]) == 0
    out = capsys.readouterr().out
    assert "placed -> SHIPPED p50 / p99:  250 ms / 250 ms" in out


def test_a_rate_of_zero_is_refused(wrapper: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        wrapper.parse_args(["--rate", "0"])
    assert exit_info.value.code == 2
    assert "--rate must be above 0" in capsys.readouterr().err
