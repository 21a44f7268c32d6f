"""deploy/compose: the whole shop for Docker users, with Kafka (KRaft), Prometheus, Alertmanager
and Grafana with the dashboards provisioned."""

from __future__ import annotations

from typing import Any

from homefield.catalog import Catalog, ServiceEntry
from homefield.deploy.env import image_name, service_env
from homefield.local.kafka import kafka_image
from homefield.render.text import yaml_text
from homefield.runtime.settings import settings_env

PROMETHEUS_IMAGE = "prom/prometheus:v2.53.2"
ALERTMANAGER_IMAGE = "prom/alertmanager:v0.27.0"
GRAFANA_IMAGE = "grafana/grafana:11.3.0"
COMPOSE_KAFKA = "kafka:9092"
DASHBOARDS = "/var/lib/grafana/dashboards"
HOST_ALERT_SINK = "http://host.docker.internal:9097"
TOPICS_SH = "/opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092 --create --if-not-exists"


def compose_host(name: str) -> str:
    return name


def _kafka() -> dict[str, Any]:
    env = {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": "PLAINTEXT://:9092,CONTROLLER://:9093",
        "KAFKA_ADVERTISED_LISTENERS": "PLAINTEXT://kafka:9092",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@kafka:9093",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
    }
    probe = "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092"
    return {
        "image": kafka_image(),
        "environment": env,
        "healthcheck": {
            "test": ["CMD-SHELL", f"{probe} > /dev/null 2>&1"],
            "interval": "5s",
            "timeout": "10s",
            "retries": 30,
        },
    }


def _topics(catalog: Catalog) -> dict[str, Any]:
    creates = [
        f"{TOPICS_SH} --topic {topic} --partitions {partitions}"
        for topic, partitions in sorted(catalog.topics().items())
    ]
    return {
        "image": kafka_image(),
        "depends_on": {"kafka": {"condition": "service_healthy"}},
        "entrypoint": ["/bin/sh", "-c"],
        "command": [" && ".join(creates)],
        "restart": "no",
    }


def _service(catalog: Catalog, entry: ServiceEntry) -> dict[str, Any]:
    port = entry.spec.http.port
    ports = [f"{port}:{port}"]
    if entry.spec.grpc:
        ports.append(f"{entry.spec.grpc.port}:{entry.spec.grpc.port}")
    ready = f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/readyz')"
    return {
        "image": f"{image_name(entry.name)}:{entry.version}",  # built by `make images`
        "environment": {
            **service_env(catalog, entry, kafka=COMPOSE_KAFKA, host_of=compose_host),
            # compose is a developer's machine: the local API key is fine
            **settings_env(entry.name, environment="local"),
        },
        "ports": ports,
        "read_only": True,
        "tmpfs": ["/tmp"],
        "volumes": [f"{entry.name}-data:/data"],
        "depends_on": {"kafka-topics": {"condition": "service_completed_successfully"}},
        "healthcheck": {"test": ["CMD", "python", "-c", ready], "interval": "5s", "retries": 30},
    }


def _prometheus() -> dict[str, Any]:
    return {
        "image": PROMETHEUS_IMAGE,
        "command": ["--config.file=/etc/prometheus/prometheus.yml"],
        "volumes": [
            "./prometheus.yml:/etc/prometheus/prometheus.yml:ro",
            "../prometheus/rules:/etc/prometheus/rules:ro",
        ],
        "ports": ["9090:9090"],
    }


def _alertmanager() -> dict[str, Any]:
    return {
        "image": ALERTMANAGER_IMAGE,
        "command": ["--config.file=/etc/alertmanager/alertmanager.yml"],
        "volumes": ["./alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro"],
        "extra_hosts": ["host.docker.internal:host-gateway"],
        "ports": ["9093:9093"],
    }


def _grafana() -> dict[str, Any]:
    return {
        "image": GRAFANA_IMAGE,
        "environment": {
            "GF_AUTH_ANONYMOUS_ENABLED": "true",
            "GF_AUTH_ANONYMOUS_ORG_ROLE": "Viewer",
            "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH": f"{DASHBOARDS}/overview.json",
        },
        "volumes": [
            "./grafana/provisioning:/etc/grafana/provisioning:ro",
            f"../grafana/dashboards:{DASHBOARDS}:ro",
        ],
        "ports": ["3000:3000"],
    }


def compose_file(catalog: Catalog) -> dict[str, Any]:
    services: dict[str, Any] = {"kafka": _kafka(), "kafka-topics": _topics(catalog)}
    for entry in catalog.services.values():
        services[entry.name] = _service(catalog, entry)
    services.update(prometheus=_prometheus(), alertmanager=_alertmanager(), grafana=_grafana())
    volumes: dict[str, Any] = {f"{name}-data": {} for name in catalog.services}
    return {"name": "homefield", "services": services, "volumes": volumes}


def _datasources() -> dict[str, Any]:
    prometheus = {"name": "Prometheus", "type": "prometheus", "uid": "prometheus"}
    alertmanager = {"name": "Alertmanager", "type": "alertmanager", "uid": "alertmanager"}
    return {
        "apiVersion": 1,
        "datasources": [
            {**prometheus, "access": "proxy", "url": "http://prometheus:9090", "isDefault": True},
            {
                **alertmanager,
                "access": "proxy",
                "url": "http://alertmanager:9093",
                "jsonData": {"implementation": "prometheus"},
            },
        ],
    }


def grafana_provisioning() -> dict[str, str]:
    provider = {
        "name": "homefield",
        "folder": "Homefield",
        "type": "file",
        "disableDeletion": True,
        "allowUiUpdates": False,
        "options": {"path": DASHBOARDS},
    }
    return {
        "datasources/homefield.yaml": yaml_text(_datasources()),
        "dashboards/homefield.yaml": yaml_text({"apiVersion": 1, "providers": [provider]}),
    }


def compose_tree(
    catalog: Catalog, *, prometheus: dict[str, Any], alertmanager: dict[str, Any]
) -> dict[str, str]:
    """Repository path -> text for deploy/compose/."""
    tree = {
        "deploy/compose/compose.yaml": yaml_text(compose_file(catalog)),
        "deploy/compose/prometheus.yml": yaml_text(prometheus),
        "deploy/compose/alertmanager.yml": yaml_text(alertmanager),
    }
    for name, text in grafana_provisioning().items():
        tree[f"deploy/compose/grafana/provisioning/{name}"] = text
    return tree
