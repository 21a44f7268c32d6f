"""A single-node KRaft Apache Kafka broker run as a detached JVM from Maven Central's jars."""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from homefield.local import processes
from homefield.local.admin import broker_ready
from homefield.local.logtail import tail
from homefield.local.maven import PomError, pom_property

POM = Path(__file__).parent / "kafka" / "pom.xml"
_JVM_FLAGS = (
    "-Xms64m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)


class BrokerError(Exception):
    """The local broker could not be found, formatted, started or reached."""


def kafka_version(pom: Path = POM) -> str:
    """The Kafka version pinned in the local broker's pom.xml (the one place it is written)."""
    try:
        return pom_property(pom, "kafka.version")
    except PomError as exc:
        raise BrokerError(str(exc)) from None


def kafka_image() -> str:
    """The apache/kafka image of the same version, for compose and Docker-based tests."""
    return f"apache/kafka:{kafka_version()}"


def kafka_libs(root: Path) -> Path:
    """Where `make setup` puts the broker's jars: .cache/kafka/<version>/libs."""
    return root / ".cache" / "kafka" / kafka_version() / "libs"


def require_kafka_libs(root: Path) -> Path:
    libs = kafka_libs(root)
    if not any(libs.glob("kafka_2.13-*.jar")):
        raise BrokerError(f"no Kafka jars in {libs}: run `make setup` to fetch them")
    return libs


def new_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, never led by "-"
    (the storage tool would read it as an option, so Kafka's own ids avoid it too)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode("ascii")
        if not cluster_id.startswith("-"):
            return cluster_id


@dataclass(frozen=True)
class KafkaSettings:
    """Where a local broker keeps its data and which ports it binds."""

    data_dir: Path
    libs: Path
    port: int = 9092
    controller_port: int = 9094
    host: str = "127.0.0.1"
    max_heap: str = "512m"

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "data"

    @property
    def config_dir(self) -> Path:
        return self.data_dir / "config"


# Settings that suit one node on a laptop: replication 1, no topic auto-creation, few threads.
_SINGLE_NODE = {
    "process.roles": "broker,controller",
    "node.id": "1",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "num.partitions": "1",
    "default.replication.factor": "1",
    "min.insync.replicas": "1",
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "3",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "transaction.state.log.num.partitions": "3",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "group.initial.rebalance.delay.ms": "0",
    # A broker killed with SIGKILL may only register again once its old session expired.
    "broker.heartbeat.interval.ms": "500",
    "broker.session.timeout.ms": "4000",
    "auto.create.topics.enable": "false",
    "delete.topic.enable": "true",
    "num.network.threads": "2",
    "num.io.threads": "4",
    "background.threads": "4",
    "log.cleaner.dedupe.buffer.size": "16777216",
}


def single_node_properties() -> dict[str, str]:
    """The broker settings every single-node Kafka of the project shares (auto-create off),
    without listeners, ports and directories."""
    return dict(_SINGLE_NODE)


def render_server_properties(settings: KafkaSettings) -> str:
    """server.properties for a combined broker+controller node that suits one laptop."""
    host, port, ctl = settings.host, settings.port, settings.controller_port
    values = {
        **_SINGLE_NODE,
        "controller.quorum.voters": f"1@{host}:{ctl}",
        "listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://{host}:{ctl}",
        "advertised.listeners": f"PLAINTEXT://{host}:{port}",
        "log.dirs": str(settings.log_dir),
    }
    lines = ["# Written by homefield.local.kafka on every start; edits are overwritten."]
    lines += [f"{key}={value}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def render_log4j2() -> str:
    return """\
Configuration:
  status: warn
  Appenders:
    Console:
      name: STDOUT
      target: SYSTEM_OUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: org.apache.kafka.common.config.AbstractConfig
        level: WARN
      - name: kafka.server.KafkaConfig
        level: WARN
"""


def _java() -> str:
    found = shutil.which("java")
    if found is None:
        raise BrokerError("java not found on PATH: install Java 17 or newer")
    return found


class LocalKafka:
    """One local broker: formatted once, started detached, kept across restarts."""

    def __init__(
        self,
        settings: KafkaSettings,
        *,
        log_path: Path | None = None,
        pid_path: Path | None = None,
    ) -> None:
        self.settings = replace(
            settings, data_dir=settings.data_dir.resolve(), libs=settings.libs.resolve()
        )
        self.log_path = log_path or self.settings.data_dir / "kafka.log"
        self.pid_path = pid_path or self.settings.data_dir / "kafka.pid"

    @property
    def bootstrap(self) -> str:
        return self.settings.bootstrap

    @property
    def pid(self) -> int | None:
        """The broker's pid while it runs."""
        return processes.running_pid(self.pid_path)

    def _java_command(self, main_class: str, *args: str) -> list[str]:
        log4j = self.settings.config_dir / "log4j2.yaml"
        return [
            _java(),
            f"-Xmx{self.settings.max_heap}",
            *_JVM_FLAGS,
            f"-Dlog4j2.configurationFile={log4j}",
            "-cp",
            f"{self.settings.libs}/*",
            main_class,
            *args,
        ]

    def _write_config(self) -> Path:
        config_dir = self.settings.config_dir
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "log4j2.yaml").write_text(render_log4j2(), encoding="utf-8")
        properties = config_dir / "server.properties"
        properties.write_text(render_server_properties(self.settings), encoding="utf-8")
        return properties

    def _format(self, properties: Path) -> None:
        if (self.settings.log_dir / "meta.properties").exists():
            return
        command = self._java_command(
            "kafka.tools.StorageTool", "format", "-t", new_cluster_id(), "-c", str(properties)
        )
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            output = "\n".join((result.stdout + result.stderr).splitlines()[-10:])
            raise BrokerError(f"formatting {self.settings.log_dir} failed:\n{output}")

    def start(self) -> int:
        """Start the broker unless it runs (formatting its storage on first use); return its pid."""
        running = self.pid
        if running is not None:
            return running
        properties = self._write_config()
        self._format(properties)
        command = self._java_command("kafka.Kafka", str(properties))
        return processes.spawn(
            command, cwd=self.settings.data_dir, log_path=self.log_path, pid_path=self.pid_path
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until the broker answers a metadata request; BrokerError if it dies or is late."""
        deadline = time.monotonic() + timeout
        while not broker_ready(self.bootstrap):
            if self.pid is None:
                raise BrokerError(
                    f"the broker exited; end of {self.log_path}:\n{tail(self.log_path)}"
                )
            if time.monotonic() >= deadline:
                raise BrokerError(
                    f"the broker did not answer on {self.bootstrap} within {timeout:g}s; "
                    f"end of {self.log_path}:\n{tail(self.log_path)}"
                )
            time.sleep(0.25)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the broker (a controlled shutdown), SIGKILL it after ``timeout``."""
        processes.stop(self.pid_path, timeout=timeout)

    def kill(self) -> None:
        """SIGKILL the broker, as a crash would."""
        pid = self.pid
        if pid is not None:
            processes.kill_now(pid)
        self.pid_path.unlink(missing_ok=True)

    def restart(self, *, timeout: float = 90.0) -> None:
        """Stop and start the broker on the same data, then wait until it serves again."""
        self.stop()
        self.start()
        self.wait_ready(timeout)
