from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from homefield.catalog import Catalog
from homefield.local.admin import TopicError
from homefield.local.health import free_port
from homefield.testing.scratch_shop import write_scratch_shop
from homefield.testing.service import create_topics, unique_prefix

pytestmark = pytest.mark.integration
ONE_DAY_MS = 24 * 3600 * 1000


@pytest.fixture
async def admin(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    client = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await client.start()
    try:
        yield client
    finally:
        await client.close()


async def _retention_ms(admin: AIOKafkaAdminClient, topic: str) -> int:
    [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    [(_, _, _, _, entries)] = response.resources
    return int(next(entry[1] for entry in entries if entry[0] == "retention.ms"))


async def test_catalog_topics_get_their_partitions_and_retention(
    kafka_bootstrap: str, admin: AIOKafkaAdminClient, tmp_path: Path
) -> None:
    catalog = Catalog.load(write_scratch_shop(tmp_path, http_port=free_port()))
    prefix = unique_prefix()
    topics = [prefix + "fakeecho.v1", prefix + "fakeecho.dlq"]
    try:
        await create_topics(kafka_bootstrap, prefix, catalog)
        await create_topics(kafka_bootstrap, prefix, catalog)
        described = {
            item["topic"]: len(item["partitions"]) for item in await admin.describe_topics(topics)
        }
        assert described == {topics[0]: 2, topics[1]: 1}
        assert await _retention_ms(admin, topics[0]) == ONE_DAY_MS
    finally:
        await admin.delete_topics(topics)


async def test_a_topic_the_broker_refuses_is_an_error(kafka_bootstrap: str, tmp_path: Path) -> None:
    catalog = Catalog.load(write_scratch_shop(tmp_path, http_port=free_port()))
    with pytest.raises(TopicError, match=r"topic bad/prefix\.fakeecho\.v1"):
        await create_topics(kafka_bootstrap, "bad/prefix.", catalog)
