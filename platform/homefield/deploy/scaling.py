"""The prod overlay's scale-out: PostgreSQL from a CloudNativePG Cluster per service, 2+ replicas
(at most one per partition of the topics the service consumes), rolling updates, no volume.

The base stays the single-replica SQLite shape the dev overlay runs; these are prod's patches.
"""

from __future__ import annotations

from typing import Any

from homefield.catalog import Catalog, CatalogError, ServiceEntry, env_prefix
from homefield.deploy.env import labels
from homefield.deploy.workload import SCALING_ANNOTATION

CNPG_API = "postgresql.cnpg.io/v1"
MIN_REPLICAS = 2
# A service that consumes no events is not bound by partitions; this caps its autoscaler.
MAX_REPLICAS_WITHOUT_EVENTS = 6
DATABASE_INSTANCES = 3  # a primary and two standbys: CloudNativePG fails over on its own
DATABASE_SIZE = "10Gi"

RAISING_REPLICAS = """\
# Replicas of a consuming service share its topics' partitions (the consumer group), so more
# replicas than the smallest consumed topic has partitions would sit idle: maxReplicas is that
# partition count, from the producers' service.yaml. To run more replicas, raise partitions and
# replicas together: (1) the producing team raises `partitions` in its service.yaml and runs
# `make render`; Strimzi adds the partitions (Kafka never removes them); (2) `make render` here
# raises maxReplicas to match. Adding partitions moves keys to new partitions, so raise them
# while the topic is drained (no undelivered outbox rows, consumer lag zero) to keep every
# order's events in order.
"""


def database_cluster_name(entry: ServiceEntry) -> str:
    return f"{entry.name}-db"


def database_secret(entry: ServiceEntry) -> str:
    """The Secret CloudNativePG writes for the cluster's application user (its key ``uri``)."""
    return f"{database_cluster_name(entry)}-app"


def database_cluster(entry: ServiceEntry) -> dict[str, Any]:
    """The service's own PostgreSQL: one database, owned by one user, named after the service."""
    database = entry.name.replace("-", "_")
    return {
        "apiVersion": CNPG_API,
        "kind": "Cluster",
        "metadata": {"name": database_cluster_name(entry), "labels": labels(entry)},
        "spec": {
            "instances": DATABASE_INSTANCES,
            "storage": {"size": DATABASE_SIZE},
            "bootstrap": {"initdb": {"database": database, "owner": database}},
        },
    }


def max_replicas(catalog: Catalog, entry: ServiceEntry) -> int:
    """At most one replica per partition of the smallest topic ``entry`` consumes."""
    if not entry.spec.consumes:
        return MAX_REPLICAS_WITHOUT_EVENTS
    topics = catalog.topics()
    partitions, topic = min((topics[topic], topic) for topic in entry.spec.consumes)
    if partitions < MIN_REPLICAS:
        raise CatalogError(
            entry.directory / "service.yaml",
            None,
            f"consumes {topic}, which has {partitions} partition(s): prod runs at least"
            f" {MIN_REPLICAS} replicas, so it needs at least {MIN_REPLICAS} partitions",
        )
    return partitions


def deployment_patch(
    catalog: Catalog, entry: ServiceEntry, resources: dict[str, Any]
) -> dict[str, Any]:
    """Rolling updates, the database URL from CloudNativePG's Secret, and no data volume."""
    url = {"secretKeyRef": {"name": database_secret(entry), "key": "uri"}}
    container = {
        "name": entry.name,
        "resources": resources,
        "env": [{"name": f"{env_prefix(entry.name)}_DATABASE_URL", "valueFrom": url}],
        "volumeMounts": [{"mountPath": "/data", "$patch": "delete"}],
    }
    pod = {"containers": [container], "volumes": [{"name": "data", "$patch": "delete"}]}
    bounds = f"{MIN_REPLICAS}..{max_replicas(catalog, entry)} replicas"
    note = f"PostgreSQL ({database_cluster_name(entry)}): {bounds}"
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": entry.name, "annotations": {SCALING_ANNOTATION: note}},
        "spec": {
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            },
            "template": {"spec": pod},
        },
    }


def autoscaler_patch(catalog: Catalog, entry: ServiceEntry) -> dict[str, Any]:
    return {"minReplicas": MIN_REPLICAS, "maxReplicas": max_replicas(catalog, entry)}
