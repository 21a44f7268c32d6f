"""deploy/k8s/platform: the namespace, a Strimzi KRaft Kafka cluster, platform rules, dashboards."""

from __future__ import annotations

from typing import Any

from homefield.deploy.env import KAFKA_CLUSTER, NAMESPACE
from homefield.deploy.monitoring import prometheus_rule
from homefield.local.kafka import kafka_version
from homefield.render.text import yaml_text

KAFKA_NODES = 3
PART_OF = {"app.kubernetes.io/part-of": "homefield"}


def namespace() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": NAMESPACE, "labels": PART_OF},
    }


def kafka_node_pool() -> dict[str, Any]:
    volume = {
        "id": 0,
        "type": "persistent-claim",
        "size": "20Gi",
        "deleteClaim": False,
        "kraftMetadata": "shared",
    }
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaNodePool",
        "metadata": {"name": "dual-role", "labels": {"strimzi.io/cluster": KAFKA_CLUSTER}},
        "spec": {
            "replicas": KAFKA_NODES,
            "roles": ["controller", "broker"],
            "storage": {"type": "jbod", "volumes": [volume]},
        },
    }


def kafka_cluster() -> dict[str, Any]:
    """A KRaft cluster (no ZooKeeper) whose nodes come from the KafkaNodePool."""
    listeners = [
        {"name": "plain", "port": 9092, "type": "internal", "tls": False},
        {"name": "tls", "port": 9093, "type": "internal", "tls": True},
    ]
    config = {
        "default.replication.factor": 3,
        "min.insync.replicas": 2,
        "offsets.topic.replication.factor": 3,
        "transaction.state.log.replication.factor": 3,
        "transaction.state.log.min.isr": 2,
        "auto.create.topics.enable": False,
    }
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "Kafka",
        "metadata": {
            "name": KAFKA_CLUSTER,
            "annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"},
        },
        "spec": {
            "kafka": {"version": kafka_version(), "listeners": listeners, "config": config},
            "entityOperator": {"topicOperator": {}, "userOperator": {}},
        },
    }


def dashboard_config_map(name: str, dashboard_json: str) -> dict[str, Any]:
    """A dashboard for the Grafana sidecar, which loads ConfigMaps labelled grafana_dashboard=1."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"grafana-dashboard-{name}",
            "labels": {**PART_OF, "grafana_dashboard": "1"},
        },
        "data": {f"{name}.json": dashboard_json},
    }


def platform_tree(
    dashboards: dict[str, str],
    absent_groups: list[Any],
    *,
    team: str,
    team_usage_groups: list[Any],
) -> dict[str, str]:
    """Repository path -> text for deploy/k8s/platform/; ``dashboards`` maps name to JSON,
    ``team`` owns the platform rules (the root OWNERS), which include the usage per team."""
    files = {
        "namespace.yaml": yaml_text(namespace()),
        "kafka.yaml": yaml_text(kafka_node_pool(), kafka_cluster()),
        "prometheusrule.yaml": yaml_text(
            prometheus_rule("platform-absent-metrics", team, absent_groups),
            prometheus_rule("teams-usage", team, team_usage_groups),
        ),
        "dashboards.yaml": yaml_text(
            *(dashboard_config_map(name, text) for name, text in sorted(dashboards.items()))
        ),
    }
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": NAMESPACE,
        "resources": sorted(files),
    }
    tree = {"kustomization.yaml": yaml_text(kustomization), **files}
    return {f"deploy/k8s/platform/{name}": text for name, text in tree.items()}
