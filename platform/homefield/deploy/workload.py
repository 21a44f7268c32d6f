"""The core Kubernetes objects of one service: Deployment, Service, HPA, PDB, ConfigMap and
the PersistentVolumeClaim of its SQLite database."""

from __future__ import annotations

from typing import Any

from homefield.catalog import ServiceEntry, env_name
from homefield.deploy.env import RUN_AS_USER, image_name, labels, selector_labels

Manifest = dict[str, Any]
BASE_RESOURCES = {
    "requests": {"cpu": "100m", "memory": "128Mi"},
    "limits": {"cpu": "500m", "memory": "256Mi"},
}
BASE_DATA_SIZE = "1Gi"
# The base (and the dev overlay) keeps a service's state in one SQLite file on /data: a second pod
# would hold a second, diverging database, so it runs exactly one replica on a ReadWriteOnce
# volume. The prod overlay moves the state to PostgreSQL and scales out (deploy.scaling).
REPLICAS = 1
SCALING_ANNOTATION = "homefield.dev/scaling"
SCALING_NOTE = "single writer: SQLite; the prod overlay scales out on PostgreSQL"


def _metadata(entry: ServiceEntry, name: str = "") -> dict[str, Any]:
    return {"name": name or entry.name, "labels": labels(entry)}


def config_name(entry: ServiceEntry) -> str:
    return f"{entry.name}-config"


def data_claim_name(entry: ServiceEntry) -> str:
    return f"{entry.name}-data"


def config_map(entry: ServiceEntry, env: dict[str, str]) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _metadata(entry, config_name(entry)),
        "data": dict(sorted(env.items())),
    }


def _ports(entry: ServiceEntry) -> list[dict[str, Any]]:
    ports = []
    if entry.spec.grpc:
        ports.append({"name": "grpc", "containerPort": entry.spec.grpc.port, "protocol": "TCP"})
    ports.append({"name": "http", "containerPort": entry.spec.http.port, "protocol": "TCP"})
    return ports


def _probe(path: str, period: int, initial_delay: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": "http"},
        "initialDelaySeconds": initial_delay,
        "periodSeconds": period,
        "failureThreshold": 3,
    }


def _secret_env(entry: ServiceEntry) -> list[dict[str, Any]]:
    """Each secret setting from the Secret ``<svc>-secrets``, which the deploying team creates."""
    return [
        {
            "name": env_name(entry.name, setting),
            "valueFrom": {"secretKeyRef": {"name": f"{entry.name}-secrets", "key": setting}},
        }
        for setting in entry.spec.secrets
    ]


def _container(entry: ServiceEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "image": image_name(entry.name),  # tagged by the overlays' kustomize images:
        "imagePullPolicy": "IfNotPresent",
        "ports": _ports(entry),
        "envFrom": [{"configMapRef": {"name": config_name(entry)}}],
        **({"env": _secret_env(entry)} if entry.spec.secrets else {}),
        "readinessProbe": _probe("/readyz", 5, 2),
        "livenessProbe": _probe("/healthz", 10, 10),
        "resources": BASE_RESOURCES,
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [
            {"name": "data", "mountPath": "/data"},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
    }


def _pod_security() -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": RUN_AS_USER,
        "runAsGroup": RUN_AS_USER,
        "fsGroup": RUN_AS_USER,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def deployment(entry: ServiceEntry) -> Manifest:
    pod_spec = {
        "automountServiceAccountToken": False,
        "securityContext": _pod_security(),
        "terminationGracePeriodSeconds": 30,
        "containers": [_container(entry)],
        "volumes": [
            {"name": "data", "persistentVolumeClaim": {"claimName": data_claim_name(entry)}},
            {"name": "tmp", "emptyDir": {}},
        ],
    }
    # No `replicas`: the HPA owns the count. Recreate stops the old pod before the new one
    # mounts the ReadWriteOnce volume, so two writers never share the database.
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {**_metadata(entry), "annotations": {SCALING_ANNOTATION: SCALING_NOTE}},
        "spec": {
            "strategy": {"type": "Recreate"},
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector_labels(entry.name)},
            "template": {"metadata": {"labels": labels(entry)}, "spec": pod_spec},
        },
    }


def service(entry: ServiceEntry) -> Manifest:
    ports = [
        {"name": port["name"], "port": port["containerPort"], "targetPort": port["name"]}
        for port in _ports(entry)
    ]
    spec: dict[str, Any] = {"type": "ClusterIP"}
    if entry.spec.grpc:
        # Headless: DNS answers every ready pod, and callers balance gRPC calls over all of them
        # (round_robin). A virtual IP would pin each HTTP/2 connection, so all calls, to one pod.
        spec["clusterIP"] = "None"
    spec |= {"selector": selector_labels(entry.name), "ports": ports}
    return {"apiVersion": "v1", "kind": "Service", "metadata": _metadata(entry), "spec": spec}


def autoscaler(entry: ServiceEntry) -> Manifest:
    cpu = {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _metadata(entry),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": entry.name},
            "minReplicas": REPLICAS,
            "maxReplicas": REPLICAS,
            "metrics": [{"type": "Resource", "resource": cpu}],
        },
    }


def disruption_budget(entry: ServiceEntry) -> Manifest:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _metadata(entry),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector_labels(entry.name)}},
    }


def data_claim(entry: ServiceEntry, size: str = BASE_DATA_SIZE) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": _metadata(entry, data_claim_name(entry)),
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}},
    }
