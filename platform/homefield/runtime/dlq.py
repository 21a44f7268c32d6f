"""Dead letters: the one place their topic and header names are written, and the writer.

The consumer writes dead letters with these headers and ``homefield dlq`` reads them back, so both
import the names from here. A dead letter keeps the original key, value and CloudEvents headers;
the ``dlq_*`` headers say where it came from and why it failed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiokafka.errors import KafkaError
from tenacity import AsyncRetrying, retry_if_exception_type, wait_fixed

from homefield.runtime.metrics import Metrics
from homefield.runtime.producer import Outgoing, RecoveringProducer

log = logging.getLogger("homefield.dlq")

TOPIC_SUFFIX = ".dlq"
HEADER_PREFIX = "dlq_"
ERROR = "dlq_error"
ORIGINAL_TOPIC = "dlq_original_topic"
ORIGINAL_PARTITION = "dlq_original_partition"
ORIGINAL_OFFSET = "dlq_original_offset"
HANDLER = "dlq_handler"
ATTEMPTS = "dlq_attempts"
MAX_ERROR_CHARS = 2000
# The handler name of a record that never reached a handler (not a CloudEvent, say).
NO_HANDLER = "none"

Headers = list[tuple[str, bytes]]


def dlq_topic(service: str, prefix: str = "") -> str:
    """The dead-letter topic of the consuming ``service``: ``<service>.dlq``."""
    return f"{prefix}{service}{TOPIC_SUFFIX}"


def dead_letter_headers(record: Any, *, error: str, handler: str, attempts: int) -> Headers:
    """The record's own headers plus the ``dlq_*`` ones."""
    return [
        *record.headers,
        (ERROR, error[:MAX_ERROR_CHARS].encode()),
        (ORIGINAL_TOPIC, record.topic.encode()),
        (ORIGINAL_PARTITION, str(record.partition).encode()),
        (ORIGINAL_OFFSET, str(record.offset).encode()),
        (HANDLER, handler.encode()),
        (ATTEMPTS, str(attempts).encode()),
    ]


def without_dlq_headers(headers: Iterable[tuple[str, bytes]]) -> Headers:
    """The headers a dead letter had before it was dead-lettered (what a replay sends)."""
    return [(key, value) for key, value in headers if not key.startswith(HEADER_PREFIX)]


class DeadLetterWriter:
    """Sends dead letters to one topic. A dead letter is never dropped: while the broker is away
    (restarting, say) the send is retried every ``retry_seconds`` until it is acknowledged, and
    a producer that can deliver nothing more is replaced on the way (RecoveringProducer)."""

    def __init__(
        self,
        producer: RecoveringProducer,
        *,
        topic: str,
        metrics: Metrics,
        retry_seconds: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.topic = topic
        self._producer = producer
        self._metrics = metrics
        self._retry_seconds = retry_seconds
        self._sleep = sleep

    async def write(self, record: Any, *, error: str, handler: str, attempts: int) -> None:
        headers = dead_letter_headers(record, error=error, handler=handler, attempts=attempts)
        options: dict[str, Any] = {} if self._sleep is None else {"sleep": self._sleep}
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(KafkaError),
            wait=wait_fixed(self._retry_seconds),
            before_sleep=self._failed,
            reraise=True,
            **options,
        )
        async for attempt in retrying:
            with attempt:
                await self._producer.send_and_wait(
                    Outgoing(self.topic, record.value, key=record.key, headers=headers)
                )
        self._metrics.produced.labels(self.topic).inc()
        self._metrics.dlq.labels(record.topic).inc()
        log.error(
            "message dead-lettered",
            extra={
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "error": error,
            },
        )

    def _failed(self, state: Any) -> None:
        self._metrics.produce_errors.labels(self.topic).inc()
        error = state.outcome.exception() if state.outcome else None
        log.warning("dead-letter produce failed, retrying", extra={"error": str(error)})
