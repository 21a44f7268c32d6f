"""pytest plugin: a real Kafka broker for integration tests.

``kafka_bootstrap`` (session) is ``$KAFKA_BOOTSTRAP`` when set, else testcontainers' Kafka when
Docker works, else the local broker from the jars `make setup` fetched, on free ports in a
temporary directory. ``kafka_topics`` creates uniquely prefixed topics for one test.
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
from homefield.local.kafka import KafkaError, KafkaSettings, LocalKafka, require_kafka_libs


def unique_prefix() -> str:
    """A topic and consumer-group prefix no other test uses."""
    return f"t{uuid.uuid4().hex[:10]}."


def docker_works() -> bool:
    """True when a Docker daemon answers `docker info`."""
    if shutil.which("docker") is None:
        return False
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@contextmanager
def local_broker(root: Path, data_dir: Path) -> Iterator[LocalKafka]:
    """A local broker from the cached jars, on free ports, stopped on exit."""
    settings = KafkaSettings(
        data_dir=data_dir,
        libs=require_kafka_libs(root),
        port=free_port(),
        controller_port=free_port(),
    )
    kafka = LocalKafka(settings)
    try:
        kafka.start()
        kafka.wait_ready()
        yield kafka
    finally:
        kafka.stop()


@contextmanager
def _container_broker() -> Iterator[str]:
    from testcontainers.community.kafka import KafkaContainer

    with KafkaContainer().with_kraft() as container:
        yield container.get_bootstrap_server()


@pytest.fixture(scope="session")
def kafka_bootstrap(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``host:port`` of a real Kafka broker for the whole test session."""
    configured = os.environ.get("KAFKA_BOOTSTRAP")
    if configured:
        yield configured
    elif docker_works():
        with _container_broker() as bootstrap:
            yield bootstrap
    else:
        root = find_repo_root(request.config.rootpath)
        try:
            with local_broker(root, tmp_path_factory.mktemp("kafka")) as kafka:
                yield kafka.bootstrap
        except KafkaError as exc:
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
