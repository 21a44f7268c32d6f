import re
from pathlib import Path

import pytest
from homefield.local.kafka import single_node_properties
from homefield.testing.kafka import (
    BrokerChoiceError,
    broker_choice,
    container_env,
    container_image,
    container_start_script,
    free_broker_port,
    require_docker_images,
    shop_ports,
)


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


def test_the_local_broker_is_the_default_and_docker_only_when_asked_for() -> None:
    assert broker_choice({}) == "local"
    assert broker_choice({"HOMEFIELD_TEST_BROKER": ""}) == "local"
    assert broker_choice({"HOMEFIELD_TEST_BROKER": "docker"}) == "docker"


def test_an_unknown_test_broker_is_refused_naming_the_choices() -> None:
    with pytest.raises(BrokerChoiceError, match="'podman' is not a test broker; use one of"):
        broker_choice({"HOMEFIELD_TEST_BROKER": "podman"})


def test_the_test_broker_never_takes_a_port_of_the_local_shop() -> None:
    assert 9092 in shop_ports() and 9094 in shop_ports()
    taken = set(range(1, 65536)) - {40123}
    assert free_broker_port(taken) not in shop_ports()


def test_an_image_that_cannot_be_pulled_fails_in_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in docker CLI that answers like a daemon with no reachable registry.
    docker = tmp_path / "docker"
    docker.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = image ]; then echo "Error: No such image: $3" >&2; exit 1; fi\n'
        'echo "Error response from daemon: Get \\"https://registry/v2/\\": no such host" >&2\n'
        "exit 1\n"
    )
    docker.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    with pytest.raises(BrokerChoiceError) as raised:
        require_docker_images(["apache/kafka:4.1.1"])
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("HOMEFIELD_TEST_BROKER=docker: cannot get the image apache/kafka")
    assert "no such host" in message
