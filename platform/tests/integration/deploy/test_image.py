"""The orders image really builds and runs: on a Debian base made here (no registry is needed),
from host-built wheels with no network in the build, against a real Kafka broker.

Skips only when no Docker engine answers (`make test` never installs or starts one; `.ci/run`
does), quoting the engine's error.
"""

import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from homefield.catalog import Catalog
from homefield.deploy.images import BuildPlan, build_images
from homefield.local.health import free_port
from homefield.runtime.settings import settings_env
from homefield.testing.kafka import KafkaTopics

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[4]
BASE_TAG = "homefield-test/bookworm-python3:minbase"
DEBOOTSTRAP = [
    "debootstrap",
    "--variant=minbase",
    "--include=python3,python3-venv,ca-certificates",
    "bookworm",
]
READY_SECONDS = 120
DOCKERD_LOG = REPO / ".run/ci/dockerd.log"


def _run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def docker() -> str:
    found = shutil.which("docker")
    if found is None:
        pytest.skip("no Docker engine: the docker command is not installed")
    info = _run([found, "info", "--format", "{{.ServerVersion}}"], timeout=60)
    if info.returncode != 0:
        said = info.stderr.strip() or info.stdout.strip()
        pytest.skip(f"no Docker engine answers: {said}{_dockerd_error()}")
    return found


def _dockerd_error() -> str:
    """The last error dockerd logged when .ci/run tried to start it, if it did."""
    if not DOCKERD_LOG.is_file():
        return ""
    lines = [line for line in DOCKERD_LOG.read_text().splitlines() if line.strip()]
    errors = [line for line in lines if "level=error" in line or "level=fatal" in line]
    return f"; dockerd said: {(errors or lines or [''])[-1]}"


@pytest.fixture(scope="module")
def debian_base(docker: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A bookworm minbase with python3-venv, imported once and kept by the engine."""
    if _run([docker, "image", "inspect", BASE_TAG]).returncode == 0:
        return BASE_TAG
    rootfs = tmp_path_factory.mktemp("rootfs") / "bookworm"
    made = _run([*DEBOOTSTRAP, str(rootfs)], timeout=900)
    assert made.returncode == 0, f"debootstrap failed:\n{made.stdout[-2000:]}{made.stderr[-2000:]}"
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    imported = _run([docker, "import", "-", BASE_TAG], stdin=tar.stdout, timeout=600)
    tar.wait()
    assert imported.returncode == 0, imported.stderr
    return BASE_TAG


@pytest.fixture
def orders_image(debian_base: str, tmp_path: Path) -> str:
    catalog = Catalog.load(REPO)
    plan = BuildPlan(catalog, [catalog.services["orders"]], debian_base, tmp_path / "context")
    tags = build_images(plan, progress=lambda _line: None)
    assert tags == [f"ghcr.io/homefield-dev/orders:{catalog.services['orders'].version}"]
    return tags[0]


@pytest.fixture
def container(docker: str, orders_image: str, kafka_topics: KafkaTopics) -> Iterator[int]:
    kafka_topics.catalog(REPO)
    http_port, name = free_port(), f"homefield-test-{uuid.uuid4().hex[:8]}"
    env = settings_env(
        "orders",
        kafka_bootstrap=kafka_topics.bootstrap,
        topic_prefix=kafka_topics.prefix,
        http_port=http_port,
        grpc_port=free_port(),
        database_url="sqlite:////data/orders.sqlite3",
        # readiness does not depend on inventory: nothing listens at this address
        endpoints={"shop.inventory.v1.InventoryService": [f"127.0.0.1:{free_port()}"]},
    )
    flags = [f"--env={key}={value}" for key, value in env.items()]
    started = _run(
        [docker, "run", "--detach", "--name", name, "--network", "host", "--read-only"]
        + ["--tmpfs", "/tmp", *flags, orders_image]
    )
    assert started.returncode == 0, started.stderr
    try:
        yield http_port
    finally:
        logs = _run([docker, "logs", "--tail", "30", name])
        _run([docker, "rm", "--force", name])
        print(logs.stdout + logs.stderr)  # noqa: T201 - shown by pytest only when the test fails


def _readyz(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError as exc:
        return 0, str(exc)


def test_the_orders_image_starts_and_becomes_ready_against_kafka(container: int) -> None:
    deadline = time.monotonic() + READY_SECONDS
    status, body = _readyz(container)
    while status != 200 and time.monotonic() < deadline:
        time.sleep(1)
        status, body = _readyz(container)
    assert status == 200, f"/readyz answered {status}: {body}"
    assert '"kafka":true' in body.replace(" ", "") and '"database":true' in body.replace(" ", "")
