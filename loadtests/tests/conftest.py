import importlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

LOADTESTS = Path(__file__).resolve().parents[1]
API_KEY = "local-dev-key"


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], ModuleType]:
    """Import a module of loadtests/ by file name, as the scripts import their neighbours."""
    monkeypatch.syspath_prepend(str(LOADTESTS))
    return importlib.import_module


@pytest.fixture
def stats(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("loadtest_stats")


@pytest.fixture
def wrapper(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("run_loadtest")


class StandIn(BaseHTTPRequestHandler):
    """The storefront's products and POST /v1/orders, recording every order it accepts."""

    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    stock: dict[str, int] = {}
    accepted: list[dict[str, Any]] = []
    on_order: Callable[[str, dict[str, Any]], None] | None = None
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

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            self._send(401, {"error": "unauthorized"})
            return
        products = [
            {"sku": s, "name": s, "price_cents": 100, "available": n} for s, n in self.stock.items()
        ]
        self._send(200, products)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        order = {**body, "key": self.headers["Idempotency-Key"]}
        order_id = uuid.uuid4().hex
        with self.lock:
            self.accepted.append(order)
        if self.on_order is not None:
            self.on_order(order_id, order)
        self._send(202, {"order_id": order_id, "status": "PENDING"})


@pytest.fixture
def standin() -> Iterator[tuple[str, type[StandIn]]]:
    """A stand-in storefront on a free port (API key ``local-dev-key``): its URL and the
    handler class that holds what it sold."""
    StandIn.stock = {"SKU-A": 40, "SKU-B": 20}
    StandIn.accepted = []
    StandIn.on_order = None
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", StandIn
    server.shutdown()
    server.server_close()
