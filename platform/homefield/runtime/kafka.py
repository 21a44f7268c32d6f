"""Kafka clients configured the platform's way, and a reachability probe for /readyz."""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_fixed,
)

log = logging.getLogger("homefield.kafka")
# A consumer that sends no heartbeat for this long leaves its group (chaos pauses one longer).
SESSION_TIMEOUT_MS = 10_000


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
        session_timeout_ms=SESSION_TIMEOUT_MS,
        heartbeat_interval_ms=1_000,
    )


async def start_with_retry(
    client: AIOKafkaProducer | AIOKafkaConsumer, *, attempts: int = 30
) -> None:
    """Start a client, waiting for the broker: ``attempts`` tries a second apart."""
    retrying = AsyncRetrying(
        retry=retry_if_exception_type(KafkaError),
        stop=stop_after_attempt(attempts),
        wait=wait_fixed(1),
        before_sleep=_log_unreachable,
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            await client.start()


def _log_unreachable(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    log.warning("kafka not reachable yet, retrying", extra={"error": str(error)})


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
