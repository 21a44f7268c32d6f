from pathlib import Path

import pytest
import yaml
from homefield.catalog import Catalog
from homefield.local.admin import TopicPlan, catalog_topics
from homefield.local.kafka import (
    BrokerError,
    KafkaSettings,
    kafka_libs,
    kafka_version,
    new_cluster_id,
    render_log4j2,
    render_server_properties,
    require_kafka_libs,
)
from homefield.testing.kafka import local_broker
from homefield.testing.scratch_shop import write_scratch_shop

REPO = Path(__file__).resolve().parents[4]


def _properties(text: str) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in text.splitlines() if not line.startswith("#")]
    return {key: value for key, value in pairs}


def test_server_properties_describe_one_combined_node_on_the_given_ports(tmp_path: Path) -> None:
    settings = KafkaSettings(data_dir=tmp_path, libs=tmp_path, port=19092, controller_port=19094)
    props = _properties(render_server_properties(settings))
    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19094"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19094"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert props["log.dirs"] == str(tmp_path / "data")
    assert props["auto.create.topics.enable"] == "false"
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["transaction.state.log.replication.factor"] == "1"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert settings.bootstrap == "127.0.0.1:19092"


def test_log4j2_config_is_yaml_that_logs_to_stdout() -> None:
    config = yaml.safe_load(render_log4j2())["Configuration"]
    assert config["Appenders"]["Console"]["target"] == "SYSTEM_OUT"
    assert config["Loggers"]["Root"]["AppenderRef"] == [{"ref": "STDOUT"}]


def test_the_kafka_version_and_jar_cache_come_from_the_pom() -> None:
    assert kafka_version() == "4.1.1"
    assert kafka_libs(REPO) == REPO / ".cache" / "kafka" / "4.1.1" / "libs"


def test_missing_jars_tell_the_user_to_run_make_setup(tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="run `make setup`"):
        require_kafka_libs(tmp_path)


def test_cluster_ids_are_kafka_uuids_the_storage_tool_accepts() -> None:
    ids = {new_cluster_id() for _ in range(500)}
    assert len(ids) == 500
    assert all(len(cid) == 22 and "=" not in cid and "/" not in cid for cid in ids)
    assert not any(cid.startswith("-") for cid in ids)


def test_catalog_topics_carry_partitions_and_retention_and_include_dlqs(tmp_path: Path) -> None:
    write_scratch_shop(tmp_path, http_port=18080)
    assert catalog_topics(Catalog.load(tmp_path)) == {
        "fakeecho.v1": TopicPlan(partitions=2, retention_ms=86_400_000),
        "fakeecho.dlq": TopicPlan(partitions=1, retention_ms=None),
    }


def test_the_repository_topics_include_every_published_topic_and_dlq() -> None:
    topics = catalog_topics(Catalog.load(REPO))
    assert topics["orders.v1"].partitions == 3
    assert topics["orders.v1"].retention_ms == 7 * 86_400_000
    assert "inventory.dlq" in topics


def test_the_test_broker_without_jars_fails_with_make_setup(tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="run `make setup`"), local_broker(tmp_path, tmp_path):
        pass
