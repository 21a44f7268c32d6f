"""Kafka admin operations over aiokafka: is the broker serving, and the catalog's topics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from homefield.catalog import Catalog
from homefield.local.health import port_in_use

T = TypeVar("T")
_TOPIC_ALREADY_EXISTS = 36


class TopicError(Exception):
    """The broker refused to create a topic."""


@dataclass(frozen=True)
class TopicPlan:
    """How to create one topic."""

    partitions: int
    retention_ms: int | None = None


def run_blocking(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to its end from sync code, also when this thread already runs a loop."""

    async def main() -> T:
        return await make()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def _admin(bootstrap: str, timeout: float) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="homefield-local",
        request_timeout_ms=int(timeout * 1000),
    )


async def broker_count(bootstrap: str, *, timeout: float = 5.0) -> int:
    """The number of brokers a metadata request to ``bootstrap`` reports."""
    admin = _admin(bootstrap, timeout)
    try:
        await asyncio.wait_for(admin.start(), timeout)
        cluster: dict[str, Any] = await asyncio.wait_for(admin.describe_cluster(), timeout)
    finally:
        await admin.close()
    return len(cluster.get("brokers", []))


def broker_ready(bootstrap: str, *, timeout: float = 5.0) -> bool:
    """True when ``host:port`` accepts connections and answers a metadata request with a broker."""
    host, _, port = bootstrap.rpartition(":")
    if not port_in_use(host, int(port)):
        return False
    try:
        return run_blocking(lambda: broker_count(bootstrap, timeout=timeout)) > 0
    except (KafkaError, OSError, TimeoutError):
        return False


def catalog_topics(catalog: Catalog) -> dict[str, TopicPlan]:
    """Every catalog topic, DLQs included, with partitions and retention from service.yaml."""
    retention = {
        topic.topic: topic.retention_ms
        for entry in catalog.services.values()
        for topic in entry.spec.publishes
    }
    return {
        name: TopicPlan(partitions, retention.get(name))
        for name, partitions in catalog.topics().items()
    }


def _new_topic(name: str, plan: TopicPlan) -> NewTopic:
    configs = {} if plan.retention_ms is None else {"retention.ms": str(plan.retention_ms)}
    return NewTopic(name, plan.partitions, 1, topic_configs=configs)


async def create_topics(
    bootstrap: str, wanted: Mapping[str, TopicPlan], *, timeout: float = 30.0
) -> list[str]:
    """Create each topic in ``wanted`` that does not exist yet; return the names created."""
    admin = _admin(bootstrap, timeout)
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        if not missing:
            return []
        response = await admin.create_topics([_new_topic(n, wanted[n]) for n in missing])
        return _created(response.topic_errors)
    finally:
        await admin.close()


def _created(topic_errors: list[tuple[Any, ...]]) -> list[str]:
    created = []
    for entry in topic_errors:
        topic, code = entry[0], entry[1]
        if code == 0:
            created.append(topic)
        elif code != _TOPIC_ALREADY_EXISTS:
            detail = entry[2] if len(entry) > 2 and entry[2] else f"error code {code}"
            raise TopicError(f"topic {topic}: {detail}")
    return created


async def delete_topics(bootstrap: str, names: list[str], *, timeout: float = 30.0) -> None:
    admin = _admin(bootstrap, timeout)
    try:
        await admin.start()
        await admin.delete_topics(names)
    finally:
        await admin.close()
