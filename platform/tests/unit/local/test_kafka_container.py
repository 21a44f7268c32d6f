import re

from homefield.local.kafka import single_node_properties
from homefield.testing.kafka import container_env, container_image, container_start_script


def _image_property(env_name: str) -> str:
    # How the apache/kafka image turns KAFKA_* variables into server.properties keys.
    name = env_name.removeprefix("KAFKA_").lower()
    return re.sub(r"_+", lambda run: {1: ".", 2: "_", 3: "-"}[len(run.group())], name)


def _properties(env: dict[str, str]) -> dict[str, str]:
    return {_image_property(key): value for key, value in env.items() if key.startswith("KAFKA_")}


def test_the_container_runs_the_local_brokers_kafka_version() -> None:
    assert container_image() == "apache/kafka:4.1.1"


def test_the_container_broker_creates_no_topic_by_itself_like_the_local_one() -> None:
    env = container_env("MkU3OEVBNTcwNTJENDM2Qk")
    props = _properties(env)
    assert props["auto.create.topics.enable"] == "false"
    assert props["process.roles"] == "broker,controller"
    assert env["CLUSTER_ID"] == "MkU3OEVBNTcwNTJENDM2Qk"
    shared = single_node_properties()
    shared.pop("inter.broker.listener.name")
    shared.pop("listener.security.protocol.map")
    assert {key: props[key] for key in shared} == shared


def test_the_container_broker_reaches_itself_inside_and_clients_from_outside() -> None:
    props = _properties(container_env("MkU3OEVBNTcwNTJENDM2Qk"))
    assert props["inter.broker.listener.name"] == "BROKER"
    assert "BROKER://0.0.0.0:19092" in props["listeners"].split(",")
    script = container_start_script("localhost", 32771)
    assert (
        "KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://localhost:32771,BROKER://localhost:19092" in script
    )
