"""pytest plugin: a real Kafka broker for integration tests.

``kafka_bootstrap`` (session) is ``$KAFKA_BOOTSTRAP`` when set; else the broker that
``$HOMEFIELD_TEST_BROKER`` names: ``local`` (the default) starts the broker of `make up` from the
jars `make setup` fetched, on free ports (never the shop's) in a temporary directory; ``docker``
starts an ``apache/kafka`` container of the same version and settings (KRaft, no topic
auto-creation), and stops the run at once, in one line, when an image it needs cannot be had.
A Docker daemon that answers may still be unable to pull images (offline, behind a proxy), which
is why Docker is used only when asked for. ``kafka_topics`` creates uniquely prefixed topics for
one test.
Enable it with ``pytest_plugins = ["homefield.testing.kafka"]`` in the root conftest.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from homefield.catalog import Catalog, find_repo_root
from homefield.local.admin import (
    TopicPlan,
    catalog_topics,
    create_topics,
    delete_topics,
    run_blocking,
)
from homefield.local.health import free_port
from homefield.local.kafka import (
    BrokerError,
    KafkaSettings,
    LocalKafka,
    kafka_image,
    new_cluster_id,
    require_kafka_libs,
    single_node_properties,
)
from homefield.local.parts import StackLayout

_CONTAINER_PORT = 9092
BROKER_CHOICE_VARIABLE = "HOMEFIELD_TEST_BROKER"
BROKER_CHOICES = ("local", "docker")
_CONTAINER_START = "/homefield-start.sh"


def unique_prefix() -> str:
    """A topic and consumer-group prefix no other test uses."""
    return f"t{uuid.uuid4().hex[:10]}."


class BrokerChoiceError(Exception):
    """The test broker that was asked for cannot be had; the message says why in one line."""


def broker_choice(environ: Mapping[str, str]) -> str:
    """``local`` or ``docker``, from ``HOMEFIELD_TEST_BROKER`` (unset or empty: ``local``)."""
    choice = environ.get(BROKER_CHOICE_VARIABLE, "").strip() or "local"
    if choice not in BROKER_CHOICES:
        raise BrokerChoiceError(
            f"{BROKER_CHOICE_VARIABLE}={choice!r} is not a test broker; use one of"
            f" {', '.join(BROKER_CHOICES)} (local is the default)"
        )
    return choice


def shop_ports() -> set[int]:
    """The fixed ports of the local shop's platform parts (Kafka 9092, its controller...)."""
    layout = StackLayout(root=Path("."), python=Path("python"))
    return {
        layout.kafka_port,
        layout.controller_port,
        layout.prometheus_port,
        layout.alertmanager_port,
        layout.sink_port,
    }


def free_broker_port(reserved: set[int] | None = None) -> int:
    """A free port for a test broker, never one the local shop uses."""
    taken = shop_ports() if reserved is None else reserved
    while (port := free_port()) in taken:
        continue
    return port


def docker_images() -> list[str]:
    """Every image the Docker broker needs: Kafka's, and testcontainers' reaper unless off."""
    from testcontainers.core.config import testcontainers_config

    images = [container_image()]
    if not testcontainers_config.ryuk_disabled:
        images.append(testcontainers_config.ryuk_image)
    return images


def require_docker_images(images: list[str], *, pull_timeout: float = 600) -> None:
    """Pull whatever is missing; BrokerChoiceError in one line naming the image and the cause."""
    if shutil.which("docker") is None:
        raise BrokerChoiceError(f"{BROKER_CHOICE_VARIABLE}=docker, but docker is not on PATH")
    for image in images:
        if _docker("image", "inspect", image, timeout=60)[0] == 0:
            continue
        code, output = _docker("pull", image, timeout=pull_timeout)
        if code != 0:
            lines = [line.strip() for line in output.splitlines() if line.strip()]
            reason = lines[-1] if lines else f"docker pull exited {code}"
            raise BrokerChoiceError(
                f"{BROKER_CHOICE_VARIABLE}=docker: cannot get the image {image}: {reason}"
                " (unset it to use the local broker from the Kafka jars)"
            )


def _docker(*args: str, timeout: float) -> tuple[int, str]:
    try:
        result = subprocess.run(
            ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return 1, f"docker {args[0]} gave no answer within {timeout:g}s"
    except OSError as exc:
        return 1, str(exc)
    return result.returncode, result.stderr + result.stdout


@contextmanager
def local_broker(root: Path, data_dir: Path) -> Iterator[LocalKafka]:
    """A local broker from the cached jars, on free ports, stopped on exit."""
    port = free_broker_port()
    settings = KafkaSettings(
        data_dir=data_dir,
        libs=require_kafka_libs(root),
        port=port,
        controller_port=free_broker_port(shop_ports() | {port}),
    )
    kafka = LocalKafka(settings)
    try:
        kafka.start()
        kafka.wait_ready()
        yield kafka
    finally:
        kafka.stop()


def container_image() -> str:
    """The Docker image of the local broker's Kafka version (pinned in its pom.xml)."""
    return kafka_image()


def container_env(cluster_id: str) -> dict[str, str]:
    """The apache/kafka image's environment for one KRaft node set up like the local broker.

    Clients use PLAINTEXT (port 9092, advertised once Docker has mapped it); the broker reaches
    itself (transaction markers) on BROKER, which only the container sees.
    """
    properties = {
        **single_node_properties(),
        "listeners": "PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:19092,CONTROLLER://0.0.0.0:9093",
        "listener.security.protocol.map": (
            "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT"
        ),
        "inter.broker.listener.name": "BROKER",
        "controller.quorum.voters": "1@localhost:9093",
    }
    env = {"KAFKA_" + _env_name(name): value for name, value in properties.items()}
    return {"CLUSTER_ID": cluster_id, **env}


def _env_name(name: str) -> str:
    return name.replace("_", "__").replace("-", "___").replace(".", "_").upper()


def container_start_script(host: str, port: int) -> str:
    """The container's start command once ``host:port`` reaches its client listener."""
    listeners = f"PLAINTEXT://{host}:{port},BROKER://localhost:19092"
    return f"exec /etc/kafka/docker/run 'KAFKA_ADVERTISED_LISTENERS={listeners}'\n"


@contextmanager
def container_broker() -> Iterator[str]:
    """A broker in Docker (see ``container_env``); yields its ``host:port``."""
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    wait_for_script = (
        f"while [ ! -f {_CONTAINER_START} ]; do sleep 0.1; done; sh {_CONTAINER_START}"
    )
    container = (
        DockerContainer(container_image())
        .with_exposed_ports(_CONTAINER_PORT)
        .with_envs(**container_env(new_cluster_id()))
        .with_command(["sh", "-c", wait_for_script])
    )
    with container:
        host, port = container.get_container_host_ip(), container.get_exposed_port(_CONTAINER_PORT)
        script = container_start_script(host, port).encode("utf-8")
        container.copy_into_container(script, _CONTAINER_START, 0o755)
        ready = LogMessageWaitStrategy("Kafka Server started").with_startup_timeout(120)
        ready.wait_until_ready(container)
        yield f"{host}:{port}"


@pytest.fixture(scope="session")
def kafka_bootstrap(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``host:port`` of a real Kafka broker for the whole test session."""
    configured = os.environ.get("KAFKA_BOOTSTRAP")
    if configured:
        yield configured
        return
    try:
        choice = broker_choice(os.environ)
        if choice == "docker":
            require_docker_images(docker_images())
    except BrokerChoiceError as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)
    if choice == "docker":
        with container_broker() as bootstrap:
            yield bootstrap
    else:
        root = find_repo_root(request.config.rootpath)
        try:
            with local_broker(root, tmp_path_factory.mktemp("kafka")) as kafka:
                yield kafka.bootstrap
        except BrokerError as exc:
            pytest.fail(f"the local Kafka broker did not start: {exc}", pytrace=False)


class KafkaTopics:
    """Creates topics whose names start with one test's own prefix, and deletes them after."""

    def __init__(self, bootstrap: str, prefix: str) -> None:
        self.bootstrap = bootstrap
        self.prefix = prefix
        self.created: list[str] = []

    def create(self, wanted: Mapping[str, TopicPlan]) -> dict[str, str]:
        """Create ``prefix + name`` for each name; return {name: prefixed name}."""
        names = {name: self.prefix + name for name in wanted}
        plans = {names[name]: plan for name, plan in wanted.items()}
        run_blocking(lambda: create_topics(self.bootstrap, plans))
        self.created += plans
        return names

    def __call__(self, name: str, *, partitions: int = 1) -> str:
        """Create one prefixed topic; return its full name."""
        return self.create({name: TopicPlan(partitions)})[name]

    def catalog(self, root: Path | None = None) -> dict[str, str]:
        """Create every topic of the catalog (DLQs included) under the prefix."""
        return self.create(catalog_topics(Catalog.load(root)))

    def delete_all(self) -> None:
        if self.created:
            run_blocking(lambda: delete_topics(self.bootstrap, self.created))
            self.created = []


@pytest.fixture
def kafka_topics(kafka_bootstrap: str) -> Iterator[KafkaTopics]:
    """A factory of topics unique to this test: ``kafka_topics("orders.v1", partitions=3)``."""
    topics = KafkaTopics(kafka_bootstrap, unique_prefix())
    yield topics
    topics.delete_all()
