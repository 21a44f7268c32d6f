"""A consumer that stops polling fails /readyz (a stuck handler, a group that never rejoins), and
the dead-letter writer replaces a spent producer instead of retrying on it forever."""

from pathlib import Path

from aiokafka.errors import OutOfOrderSequenceNumber
from homefield.runtime import dlq
from homefield.runtime.metrics import Metrics

from .consumer_fakes import FakeConsumer, record
from .test_consumer_pipeline import Shop
from .test_producer_recovery import FakeProducers, fails_from, healthy, recovering

LIMIT = {"limit_seconds": 60.0, "setting": "PAYMENTS_CONSUMER_MAX_STALL_SECONDS"}


class OnePollConsumer(FakeConsumer):
    """Answers one empty poll, then stops the consumer that polled it."""

    def __init__(self, shop: Shop, partitions: set) -> None:
        super().__init__(partitions=partitions)
        self.shop = shop

    async def getmany(self, **_: object) -> dict:
        self.shop.consumer.stop()
        return {}


async def _poll_once(shop: Shop, *, partitions: set | None = None) -> None:
    fake = OnePollConsumer(shop, shop.kafka.partitions if partitions is None else partitions)
    shop.consumer._consumer = fake  # type: ignore[assignment]
    await shop.consumer.run()


async def test_a_consumer_that_stopped_polling_says_so(tmp_path: Path) -> None:
    shop = Shop(tmp_path)
    await _poll_once(shop)
    assert shop.consumer.stalled(**LIMIT) is None
    shop.consumer.last_poll -= 61
    reason = shop.consumer.stalled(**LIMIT)
    assert reason is not None and "has not polled for 61s" in reason
    assert "PAYMENTS_CONSUMER_MAX_STALL_SECONDS" in reason


async def test_a_consumer_whose_group_never_gives_it_a_partition_says_so(tmp_path: Path) -> None:
    shop = Shop(tmp_path)
    shop.consumer.last_assigned -= 61
    await _poll_once(shop, partitions=set())
    reason = shop.consumer.stalled(**LIMIT)
    assert reason is not None and "held no partition for 61s" in reason


async def test_the_dead_letter_writer_replaces_a_spent_producer() -> None:
    factory = FakeProducers(fails_from(0, OutOfOrderSequenceNumber), healthy)
    metrics = Metrics(service="payments", team="payments", tier=1, version="t")

    async def no_wait(_: float) -> None:
        return None

    writer = dlq.DeadLetterWriter(
        recovering(factory), topic="payments.dlq", metrics=metrics, sleep=no_wait
    )
    await writer.write(record("o-1", "ce-1"), error="boom", handler="capture", attempts=4)
    assert len(factory.built) == 2 and len(factory.delivered) == 1
    assert factory.delivered[0][1][0] == "payments.dlq"
