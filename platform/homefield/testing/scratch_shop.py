"""A scratch checkout with one stand-in service, for tests of `homefield up` on free ports.

The stand-in (``fakeecho``) answers 200 on /readyz and /healthz and shows the environment it
was started with on /env. It exits at once with an error when ``<root>/fakeecho.crash`` exists.
"""

from __future__ import annotations

from pathlib import Path

FAKE_SERVICE = "fakeecho"

_TEAMS = """\
people:
  pat: {name: Pat Okafor, email: pat@homefield.dev, github: pat-okafor}
  alice: {name: Alice Liddell, email: alice@homefield.dev, github: alice-l}
teams:
  platform: {members: [pat], oncall: [pat], channel: "#platform"}
  checkout: {members: [alice], oncall: [alice], channel: "#checkout"}
"""

_MAIN = """\
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from homefield.catalog import Catalog

if Path("fakeecho.crash").exists():
    sys.stderr.write("FakeEcho: told to crash by fakeecho.crash\\n")
    sys.exit(3)
PORT = Catalog.load().services["fakeecho"].spec.http.port
ENV = {k: v for k, v in os.environ.items() if k.startswith(("FAKEECHO_", "HOMEFIELD_"))}


class FakeEchoHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        known = self.path in ("/readyz", "/healthz", "/env")
        body = json.dumps(ENV).encode()
        self.send_response(200 if known else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


sys.stdout.write(f"FakeEcho: serving on {PORT}\\n")
sys.stdout.flush()
HTTPServer(("127.0.0.1", PORT), FakeEchoHandler).serve_forever()
"""


def write_scratch_shop(root: Path, *, http_port: int) -> Path:
    """Write teams.yaml, OWNERS and the ``fakeecho`` service (HTTP on ``http_port``) to ``root``."""
    (root / "teams.yaml").write_text(_TEAMS, encoding="utf-8")
    (root / "OWNERS").write_text("team: platform\napprovers: [pat]\n", encoding="utf-8")
    service = root / "services" / FAKE_SERVICE
    service.mkdir(parents=True, exist_ok=True)
    (service / "OWNERS").write_text("team: checkout\napprovers: [alice]\n", encoding="utf-8")
    (service / "service.yaml").write_text(
        f"name: {FAKE_SERVICE}\ntier: 2\nhttp: {{port: {http_port}}}\n"
        f"publishes: [{{topic: {FAKE_SERVICE}.v1, partitions: 2, retention: 1d}}]\n"
        f"consumes: [{FAKE_SERVICE}.v1]\n",
        encoding="utf-8",
    )
    (service / "slo.yaml").write_text(
        "slos:\n  - name: echo-availability\n    objective: 99\n"
        "    sli: {kind: http-availability, route: /env}\n",
        encoding="utf-8",
    )
    package = root / FAKE_SERVICE
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "__main__.py").write_text(_MAIN, encoding="utf-8")
    return root
