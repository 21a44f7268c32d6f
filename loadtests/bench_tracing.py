"""`make bench` traces as `make up` does: the OTEL_ settings `make up` gives every service, with
spans sent to a stand-in collector in a process of its own (as Zipkin is one in `make up`), so
the platform side pays for sampling, recording and exporting exactly as a local service does.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from homefield.catalog import Catalog
from homefield.local.health import free_port
from homefield.local.parts import StackLayout, service_part
from homefield.runtime.tracing import load_tracing_settings

ENDPOINT = "OTEL_EXPORTER_ZIPKIN_ENDPOINT"
# Accepts every POST with 202 and forgets it, like a collector that keeps nothing.
_SINK = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(202); self.send_header("Content-Length", "0"); self.end_headers()
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
"""


def make_up_tracing_env(root: Path, service: str) -> dict[str, str]:
    """The OTEL_ variables `make up` sets for ``service``."""
    layout, catalog = StackLayout.for_repo(root), Catalog.load(root)
    env = service_part(layout, catalog, catalog.services[service]).env
    return {name: value for name, value in env.items() if name.startswith("OTEL_")}


def span_sink() -> str:
    """A stand-in collector on a free port, until this process exits; its base URL. It stops
    at exit after the tracer providers (registered later, so run earlier) flush their spans."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", _SINK, str(port)])
    atexit.register(process.terminate)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return url
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the stand-in span collector did not start") from None
            time.sleep(0.1)


@contextmanager
def traced_as_make_up(root: Path, service: str) -> Iterator[str]:
    """Set the tracing environment of `make up` for this process; yield a description."""
    wanted = make_up_tracing_env(root, service)
    if ENDPOINT in wanted:
        wanted[ENDPOINT] = f"{span_sink()}/api/v2/spans"
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        settings = load_tracing_settings()
        yield (
            f"tracing as make up: exporter {settings.traces_exporter}, new traces sampled "
            f"at {settings.traces_sampler_arg:g}, spans to a stand-in collector"
        )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
