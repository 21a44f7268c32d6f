"""Kubernetes objects for operators: NetworkPolicy, ServiceMonitor, PrometheusRule, KafkaTopic."""

from __future__ import annotations

from typing import Any

from homefield.catalog import ServiceEntry
from homefield.deploy.env import KAFKA_CLUSTER, NAMESPACE, labels, selector_labels

Manifest = dict[str, Any]
PROMETHEUS_NAMESPACE = "monitoring"
PROMETHEUS_POD = {"app.kubernetes.io/name": "prometheus"}
DLQ_RETENTION_MS = 14 * 86_400_000
# What a Prometheus `ruleSelector` matches: every PrometheusRule homefield renders carries both.
RULE_SELECTOR = {"app.kubernetes.io/part-of": "homefield", "role": "alert-rules"}
TOPIC_REPLICAS = 3


def network_policy(entry: ServiceEntry, callers: list[str]) -> Manifest:
    """Admit the declared gRPC callers on the gRPC port and Prometheus on the http port
    (anyone, when service.yaml marks the http interface public)."""
    prometheus = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": PROMETHEUS_NAMESPACE}},
        "podSelector": {"matchLabels": PROMETHEUS_POD},
    }
    rules: list[dict[str, Any]] = []
    if entry.spec.grpc and callers:
        peers = [{"podSelector": {"matchLabels": selector_labels(name)}} for name in callers]
        rules.append({"from": peers, "ports": [{"port": entry.spec.grpc.port, "protocol": "TCP"}]})
    http_port = [{"port": entry.spec.http.port, "protocol": "TCP"}]
    if entry.spec.http.public:
        rules.append({"ports": http_port})
    else:
        rules.append({"from": [prometheus], "ports": http_port})
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": entry.name, "labels": labels(entry)},
        "spec": {
            "podSelector": {"matchLabels": selector_labels(entry.name)},
            "policyTypes": ["Ingress"],
            "ingress": rules,
        },
    }


def service_monitor(entry: ServiceEntry) -> Manifest:
    """Scrape /metrics; the operator adds the `service` and `job` target labels."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": entry.name, "labels": labels(entry)},
        "spec": {
            "selector": {"matchLabels": selector_labels(entry.name)},
            "namespaceSelector": {"matchNames": [NAMESPACE]},
            "endpoints": [{"port": "http", "path": "/metrics", "interval": "15s"}],
        },
    }


def prometheus_rule(name: str, team: str, groups: list[Any]) -> Manifest:
    """Rules owned by ``team``, labelled so one ``ruleSelector`` picks up service and platform."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": name, "labels": {**RULE_SELECTOR, "team": team}},
        "spec": {"groups": groups},
    }


def _topic(entry: ServiceEntry, name: str, partitions: int, retention_ms: int) -> Manifest:
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaTopic",
        "metadata": {
            "name": name,
            "labels": {**labels(entry), "strimzi.io/cluster": KAFKA_CLUSTER},
        },
        "spec": {
            "partitions": partitions,
            "replicas": TOPIC_REPLICAS,
            "config": {"retention.ms": retention_ms, "min.insync.replicas": 2},
        },
    }


def kafka_topics(entry: ServiceEntry) -> list[Manifest]:
    """A KafkaTopic per published topic, and the dead-letter topic of a consumer."""
    topics = [
        _topic(entry, topic.topic, topic.partitions, topic.retention_ms)
        for topic in entry.spec.publishes
    ]
    if entry.spec.consumes:
        topics.append(_topic(entry, entry.spec.dlq_topic, 1, DLQ_RETENTION_MS))
    return topics
