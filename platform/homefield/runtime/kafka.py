"""Kafka clients configured the platform's way, and a reachability probe for /readyz."""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

log = logging.getLogger("homefield.kafka")


def new_producer(bootstrap: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=15_000,
    )


def new_consumer(bootstrap: str, *, topics: list[str], group_id: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_interval_ms=60_000,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
    )


async def start_with_retry(
    client: AIOKafkaProducer | AIOKafkaConsumer, *, attempts: int = 30
) -> None:
    """Start a client, waiting for the broker for up to ``attempts`` seconds."""
    for attempt in range(1, attempts + 1):
        try:
            await client.start()
            return
        except KafkaError as exc:
            if attempt == attempts:
                raise
            log.warning("kafka not reachable yet, retrying", extra={"error": str(exc)})
            await asyncio.sleep(1)


async def broker_reachable(bootstrap: str, timeout: float = 1.0) -> bool:
    """True when a TCP connection to any bootstrap server opens within ``timeout``."""
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout)
        except (OSError, TimeoutError):
            continue
        writer.close()
        return True
    return False
