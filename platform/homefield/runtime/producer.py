"""A producer that recovers from the errors aiokafka's idempotent producer cannot come back from.

After ``OutOfOrderSequenceNumber`` (a broker restart can cause it), ``UnknownProducerId``,
``InvalidProducerEpoch`` or a fence, aiokafka's sender stops and every later send fails the same
way: a caller that keeps retrying on that producer is stuck for good. ``RecoveringProducer`` owns
the current producer, waits for every acknowledgement of a batch (so no produce future is ever
left unawaited), and replaces the producer (close, build, start) when an error says it is spent,
when acknowledgements stop coming, or when failures repeat past a bound. The caller resends what
was not acknowledged, in order: a new producer id starts new sequences, so nothing is lost and,
because sends stop at the first refusal, nothing overtakes an earlier message of its partition.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    KafkaError,
    OutOfOrderSequenceNumber,
    ProducerClosed,
    ProducerFenced,
    UnknownProducerId,
)

log = logging.getLogger("homefield.producer")

# Errors after which this producer id can deliver nothing more.
SPENT_PRODUCER_ERRORS: tuple[type[BaseException], ...] = (
    OutOfOrderSequenceNumber,
    UnknownProducerId,
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    ProducerFenced,
)
ProducerFactory = Callable[[], AIOKafkaProducer]


class AcknowledgementTimeout(KafkaError):  # type: ignore[misc]
    """A sent message was neither acknowledged nor refused within the deadline."""


@dataclass(frozen=True)
class Outgoing:
    """One message to produce."""

    topic: str
    value: bytes
    key: bytes | None = None
    headers: list[tuple[str, bytes]] = field(default_factory=list)


def _retrieve(future: asyncio.Future[object]) -> None:
    # A future abandoned to a discarded producer may fail later: look at it so asyncio never
    # reports "Future exception was never retrieved".
    if not future.cancelled():
        future.exception()


class RecoveringProducer:
    """The current producer of one writer (the outbox relay, the DLQ writer), replaced as needed.

    ``repeat_bound``: consecutive failed batches after which the producer is replaced even when
    no error says it is spent. ``ack_timeout``: how long a batch may wait for acknowledgements.
    """

    def __init__(
        self,
        factory: ProducerFactory,
        *,
        name: str,
        repeat_bound: int = 3,
        ack_timeout: float = 30.0,
        close_timeout: float = 20.0,
    ) -> None:
        self._factory = factory
        self._name = name
        self._repeat_bound = repeat_bound
        self._ack_timeout = ack_timeout
        self._close_timeout = close_timeout
        self._producer: AIOKafkaProducer | None = None
        self._failures = 0
        self._closing: set[asyncio.Task[None]] = set()
        self.replacements = 0

    async def start(self) -> None:
        """Build and start a producer now (raises the broker's error if it is unreachable)."""
        if self._producer is None:
            producer = self._factory()
            try:
                await producer.start()
            except KafkaError:
                await self._close(producer)
                raise
            self._producer = producer

    async def stop(self, timeout: float | None = None) -> None:
        """Close the current producer (it flushes what it can within ``timeout``, by default
        the close timeout) and finish closing the ones it replaced."""
        timeout = timeout or self._close_timeout
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(TimeoutError, KafkaError):
                await asyncio.wait_for(producer.stop(), timeout)
        if self._closing:
            _, late = await asyncio.wait(self._closing, timeout=timeout)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def send_batch(self, messages: Sequence[Outgoing]) -> list[BaseException | None]:
        """Send ``messages`` in order and wait for each outcome: None (acknowledged) or the
        error. After the first message the producer refuses, none of the rest is sent."""
        errors: list[BaseException | None] = [None] * len(messages)
        try:
            await self.start()
        except KafkaError as exc:
            return self._failed(errors, exc)
        assert self._producer is not None
        futures = await self._enqueue(self._producer, messages, errors)
        await self._await_acknowledgements(futures, errors)
        return self._settle(errors)

    async def send_and_wait(self, message: Outgoing) -> None:
        """Send one message; raise its error (after counting it toward a replacement)."""
        [error] = await self.send_batch([message])
        if error is not None:
            raise error

    async def _enqueue(
        self,
        producer: AIOKafkaProducer,
        messages: Sequence[Outgoing],
        errors: list[BaseException | None],
    ) -> list[asyncio.Future[object]]:
        futures: list[asyncio.Future[object]] = []
        for index, message in enumerate(messages):
            try:
                future = await producer.send(
                    message.topic, message.value, key=message.key, headers=message.headers
                )
            except KafkaError as exc:
                errors[index:] = [exc] * (len(messages) - index)
                break
            future.add_done_callback(_retrieve)
            futures.append(future)
        return futures

    async def _await_acknowledgements(
        self, futures: list[asyncio.Future[object]], errors: list[BaseException | None]
    ) -> None:
        if not futures:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._ack_timeout
        pending = set(futures)
        while pending:
            done, pending = await asyncio.wait(
                pending, timeout=max(deadline - loop.time(), 0), return_when="FIRST_EXCEPTION"
            )
            spent = next((f for f in done if _outcome(f) is not None and _is_spent(f)), None)
            if spent is not None or not done:
                break
        abandoned: BaseException = AcknowledgementTimeout(
            f"no acknowledgement within {self._ack_timeout:g}s"
        )
        for index, future in enumerate(futures):
            if future.done():
                errors[index] = _outcome(future)
            else:
                errors[index] = abandoned

    def _failed(
        self, errors: list[BaseException | None], exc: BaseException
    ) -> list[BaseException | None]:
        errors[:] = [exc] * len(errors)
        return self._settle(errors)

    def _settle(self, errors: list[BaseException | None]) -> list[BaseException | None]:
        first = next((error for error in errors if error is not None), None)
        if first is None:
            self._failures = 0
        else:
            self._failures += 1
            if isinstance(first, SPENT_PRODUCER_ERRORS + (AcknowledgementTimeout,)) or (
                self._failures >= self._repeat_bound
            ):
                self._discard_later(first)
        return errors

    def _discard_later(self, cause: BaseException) -> None:
        """Drop the current producer now; the next batch builds a new one."""
        producer, self._producer = self._producer, None
        self._failures = 0
        if producer is None:
            return
        self.replacements += 1
        log.warning(
            "replacing the producer; what it did not deliver is sent again",
            extra={"writer": self._name, "error": repr(cause)},
        )
        task = asyncio.get_running_loop().create_task(self._close(producer))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close(self, producer: AIOKafkaProducer) -> None:
        # stop() first flushes what waits in the accumulator, which a spent producer never
        # delivers: cancel its sender (as stop() itself does after a flush) so it closes now.
        sender_task = getattr(getattr(producer, "_sender", None), "sender_task", None)
        if sender_task is not None and not sender_task.done():
            sender_task.cancel()
        with contextlib.suppress(TimeoutError, KafkaError):
            await asyncio.wait_for(producer.stop(), self._close_timeout)


def _outcome(future: asyncio.Future[object]) -> BaseException | None:
    if future.cancelled():
        return ProducerClosed()  # type: ignore[no-any-return]
    return future.exception()


def _is_spent(future: asyncio.Future[object]) -> bool:
    return isinstance(_outcome(future), SPENT_PRODUCER_ERRORS)
