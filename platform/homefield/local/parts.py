"""The parts of the local shop: Kafka, every service, the alert sink, Alertmanager, Prometheus,
Zipkin and the on-call console."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from homefield.catalog import Catalog, ServiceEntry, load_owners
from homefield.deploy.env import callee_endpoints, grpc_address
from homefield.local.postgres import database_name, server_command, server_url
from homefield.local.shape import StackShape, replica_name, replica_port
from homefield.local.zipkin import spans_url, zipkin_command, zipkin_env, zipkin_jar
from homefield.runtime.settings import settings_env

KAFKA = "kafka"
ALERT_SINK = "alert-sink"
ALERTMANAGER = "alertmanager"
PROMETHEUS = "prometheus"
ZIPKIN = "zipkin"
CONSOLE = "console"
# Usage baselines look three weeks back; Debian's default of 15 days would prune them.
LOCAL_RETENTION = "35d"
POSTGRES = "postgres"


@dataclass(frozen=True)
class StackLayout:
    """Where the local shop keeps its state under .run/, and the ports of its platform parts."""

    root: Path
    python: Path
    host: str = "127.0.0.1"
    kafka_port: int = 9092
    controller_port: int = 9094
    prometheus_port: int = 9090
    alertmanager_port: int = 9093
    sink_port: int = 9097
    zipkin_port: int = 9411
    console_port: int = 9000
    postgres_port: int = 5432
    shape: StackShape = StackShape()

    @classmethod
    def for_repo(cls, root: Path, shape: StackShape | None = None) -> StackLayout:
        """The fixed layout of `make up` in the checkout at ``root``, in ``shape`` or the shape
        the last `up` recorded."""
        root = root.resolve()
        shape = shape or StackShape.load(root / ".run")
        return cls(root=root, python=root / ".venv" / "bin" / "python", shape=shape)

    @property
    def postgres_data(self) -> Path:
        return self.run_dir / "postgres"

    def database_url(self, service: str) -> str:
        if self.shape.store == "postgres":
            return server_url(self.host, self.postgres_port, database_name(service))
        return f"sqlite:///{self.run_dir / 'data' / f'{service}.sqlite3'}"

    @property
    def run_dir(self) -> Path:
        return self.root / ".run"

    def log_path(self, part: str) -> Path:
        return self.run_dir / "logs" / f"{part}.log"

    def pid_path(self, part: str) -> Path:
        return self.run_dir / "pids" / f"{part}.pid"

    @property
    def kafka_bootstrap(self) -> str:
        return f"{self.host}:{self.kafka_port}"

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}"

    @property
    def prometheus_url(self) -> str:
        return self.url(self.prometheus_port)

    @property
    def alertmanager_url(self) -> str:
        return self.url(self.alertmanager_port)

    @property
    def zipkin_url(self) -> str:
        return self.url(self.zipkin_port)

    @property
    def prometheus_config(self) -> Path:
        return self.root / "deploy" / "prometheus" / "prometheus.yml"

    @property
    def prometheus_data(self) -> Path:
        return self.run_dir / "prometheus"

    @property
    def alertmanager_config(self) -> Path:
        return self.root / "deploy" / "alertmanager" / "alertmanager.yml"


@dataclass(frozen=True)
class Part:
    """One process of the local shop and how to tell that it is healthy."""

    name: str
    team: str
    command: tuple[str, ...]
    ports: tuple[int, ...]
    urls: tuple[str, ...]
    ready_url: str | None
    env: dict[str, str] = field(default_factory=dict)
    requires: tuple[Path, ...] = ()  # files `make setup` provides, checked before starting
    service: str | None = None  # the catalog service this process runs (any replica of it)

    @property
    def is_kafka(self) -> bool:
        return self.name == KAFKA

    @property
    def is_postgres(self) -> bool:
        return self.name == POSTGRES


def replica_addresses(layout: StackLayout, callee: ServiceEntry) -> list[str]:
    """The gRPC ``host:port`` of every replica of ``callee`` in the layout's shape, so a caller's
    channel balances over all of them (round_robin)."""
    if callee.spec.grpc is None:
        return [grpc_address(layout.host, callee)]  # refused, naming the callee's service.yaml
    port = callee.spec.grpc.port
    count = layout.shape.replicas_of(callee)
    return [f"{layout.host}:{replica_port(port, replica)}" for replica in range(1, count + 1)]


def service_part(
    layout: StackLayout, catalog: Catalog, entry: ServiceEntry, replica: int = 1
) -> Part:
    spec, host = entry.spec, layout.host
    http_port = replica_port(spec.http.port, replica)
    http = f"http://{host}:{http_port}"
    endpoints = callee_endpoints(catalog, entry, lambda callee: replica_addresses(layout, callee))
    grpc_port = None if spec.grpc is None else replica_port(spec.grpc.port, replica)
    ports = (http_port,) if grpc_port is None else (grpc_port, http_port)
    urls = (http,) if grpc_port is None else (http, f"grpc://{host}:{grpc_port}")
    env = {
        **settings_env(
            entry.name,
            kafka_bootstrap=layout.kafka_bootstrap,
            database_url=layout.database_url(entry.name),
            http_port=http_port,
            **({} if grpc_port is None else {"grpc_port": grpc_port}),
            environment="local",
            **({"endpoints": endpoints} if endpoints else {}),
        ),
        "OTEL_TRACES_EXPORTER": "zipkin",
        "OTEL_EXPORTER_ZIPKIN_ENDPOINT": spans_url(layout.zipkin_url),
    }
    command = (str(layout.python), "-m", entry.name.replace("-", "_"))
    name = replica_name(entry.name, replica)
    return Part(name, entry.team, command, ports, urls, f"{http}/readyz", env, service=entry.name)


def _postgres(layout: StackLayout, team: str) -> Part:
    command = server_command(layout.postgres_data, host=layout.host, port=layout.postgres_port)
    url = server_url(layout.host, layout.postgres_port)
    return Part(POSTGRES, team, command, (layout.postgres_port,), (url,), None)


def _binary(name: str) -> str:
    return shutil.which(name) or f"/usr/bin/{name}"


def platform_parts(layout: StackLayout, team: str) -> list[Part]:
    """Kafka, the alert sink, and Alertmanager and Prometheus when their configs exist."""
    host, run = layout.host, layout.run_dir
    parts = [
        Part(
            KAFKA,
            team,
            (),
            (layout.kafka_port, layout.controller_port),
            (f"kafka://{layout.kafka_bootstrap}",),
            None,
        )
    ]
    sink = f"http://{host}:{layout.sink_port}"
    homefield = str(layout.python.parent / "homefield")
    sink_args = ("--host", host, "--port", str(layout.sink_port), "--dir", str(run / "alerts"))
    sink_command = (homefield, "alert-sink", *sink_args)
    sink_part = Part(
        ALERT_SINK, team, sink_command, (layout.sink_port,), (f"{sink}/alerts",), f"{sink}/healthz"
    )
    parts.append(sink_part)
    if layout.alertmanager_config.is_file():
        parts.append(_alertmanager(layout, team))
    if layout.prometheus_config.is_file():
        parts.append(_prometheus(layout, team))
    parts += [_zipkin(layout, team), _console(layout, team)]
    return parts


def _alertmanager(layout: StackLayout, team: str) -> Part:
    url = f"http://{layout.host}:{layout.alertmanager_port}"
    command = (
        _binary("prometheus-alertmanager"),
        f"--config.file={layout.alertmanager_config}",
        f"--storage.path={layout.run_dir / 'alertmanager'}",
        f"--web.listen-address={layout.host}:{layout.alertmanager_port}",
        "--cluster.listen-address=",
    )
    return Part(ALERTMANAGER, team, command, (layout.alertmanager_port,), (url,), f"{url}/-/ready")


def _prometheus(layout: StackLayout, team: str) -> Part:
    url = f"http://{layout.host}:{layout.prometheus_port}"
    command = (
        _binary("prometheus"),
        f"--config.file={layout.prometheus_config}",
        f"--storage.tsdb.path={layout.prometheus_data}",
        f"--storage.tsdb.retention.time={LOCAL_RETENTION}",
        f"--web.listen-address={layout.host}:{layout.prometheus_port}",
        "--web.enable-lifecycle",
    )
    return Part(PROMETHEUS, team, command, (layout.prometheus_port,), (url,), f"{url}/-/ready")


def _zipkin(layout: StackLayout, team: str) -> Part:
    url, jar = layout.zipkin_url, zipkin_jar(layout.root)
    command = zipkin_command(jar, host=layout.host, port=layout.zipkin_port)
    env = zipkin_env(layout.zipkin_port)
    ports = (layout.zipkin_port,)
    return Part(ZIPKIN, team, command, ports, (f"{url}/zipkin/",), f"{url}/health", env, (jar,))


def _console(layout: StackLayout, team: str) -> Part:
    url = layout.url(layout.console_port)
    homefield = str(layout.python.parent / "homefield")
    command = (homefield, "console", "--host", layout.host, "--port", str(layout.console_port))
    return Part(CONSOLE, team, command, (layout.console_port,), (f"{url}/",), f"{url}/healthz")


def plan_parts(layout: StackLayout, catalog: Catalog) -> list[Part]:
    """Every part in start order: Kafka, PostgreSQL (for that store), the services (each
    replica), then the alert sink, Alertmanager, Prometheus, Zipkin and the console."""
    platform_team = load_owners(catalog.root / "OWNERS", catalog.teams).team
    platform = platform_parts(layout, platform_team)
    stores = [_postgres(layout, platform_team)] if layout.shape.store == "postgres" else []
    services = [
        service_part(layout, catalog, entry, replica)
        for entry in catalog.services.values()
        for replica in range(1, layout.shape.replicas_of(entry) + 1)
    ]
    return [platform[0], *stores, *services, *platform[1:]]
