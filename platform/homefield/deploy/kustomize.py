"""Kustomize trees per service: base plus dev and prod overlays."""

from __future__ import annotations

from typing import Any

from homefield.catalog import Catalog, ServiceEntry
from homefield.deploy import monitoring, scaling, workload
from homefield.deploy.env import (
    K8S_KAFKA_BOOTSTRAP,
    K8S_OTLP_ENDPOINT,
    NAMESPACE,
    callers,
    image_name,
    service_env,
)
from homefield.render.text import yaml_text

KUSTOMIZE = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
# dev runs the base's single SQLite replica; prod scales out on PostgreSQL (deploy.scaling).
OVERLAYS: dict[str, dict[str, Any]] = {
    "dev": {
        "resources": {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"cpu": "250m", "memory": "128Mi"},
        },
        "data_size": "1Gi",
    },
    "prod": {
        "resources": {
            "requests": {"cpu": "250m", "memory": "256Mi"},
            "limits": {"cpu": "1", "memory": "512Mi"},
        },
    },
}


def _k8s_host(name: str) -> str:
    return f"{name}.{NAMESPACE}.svc"


def base_manifests(catalog: Catalog, entry: ServiceEntry, groups: list[Any]) -> dict[str, str]:
    """File name -> YAML text of the base of one service."""
    env = service_env(
        catalog, entry, kafka=K8S_KAFKA_BOOTSTRAP, host_of=_k8s_host, otlp=K8S_OTLP_ENDPOINT
    )
    files = {
        "configmap.yaml": yaml_text(workload.config_map(entry, env)),
        "deployment.yaml": yaml_text(workload.deployment(entry)),
        "service.yaml": yaml_text(workload.service(entry)),
        "hpa.yaml": yaml_text(workload.autoscaler(entry)),
        "pdb.yaml": yaml_text(workload.disruption_budget(entry)),
        "pvc.yaml": yaml_text(workload.data_claim(entry)),
        "networkpolicy.yaml": yaml_text(monitoring.network_policy(entry, callers(catalog, entry))),
        "servicemonitor.yaml": yaml_text(monitoring.service_monitor(entry)),
        "prometheusrule.yaml": yaml_text(
            monitoring.prometheus_rule(f"{entry.name}-slo", entry.team, groups)
        ),
    }
    topics = monitoring.kafka_topics(entry)
    if topics:
        files["kafkatopics.yaml"] = yaml_text(*topics)
    kustomization = {**KUSTOMIZE, "namespace": NAMESPACE, "resources": sorted(files)}
    return {"kustomization.yaml": yaml_text(kustomization), **files}


def _patch(api: str, kind: str, name: str, spec: dict[str, Any]) -> str:
    return yaml_text({"apiVersion": api, "kind": kind, "metadata": {"name": name}, "spec": spec})


def overlay_manifests(catalog: Catalog, entry: ServiceEntry, overlay: str) -> dict[str, str]:
    """File name -> YAML text of one overlay. dev: container resources and the SQLite volume's
    size. prod: PostgreSQL (CloudNativePG) and 2+ replicas, see homefield.deploy.scaling."""
    shape: dict[str, Any] = OVERLAYS[overlay]
    if overlay == "prod":
        files = _prod_files(catalog, entry, shape)
        resources = ["../../base", "database.yaml"]
    else:
        files = _dev_files(entry, shape)
        resources = ["../../base"]
    patches = sorted(name for name in files if name != "database.yaml")
    kustomization = {
        **KUSTOMIZE,
        **({"namespace": NAMESPACE} if overlay == "prod" else {}),  # for its database.yaml
        "resources": resources,
        "images": [{"name": image_name(entry.name), "newTag": entry.version}],
        "patches": [{"path": name} for name in patches],
    }
    return {"kustomization.yaml": yaml_text(kustomization), **files}


def _dev_files(entry: ServiceEntry, shape: dict[str, Any]) -> dict[str, str]:
    container = {"name": entry.name, "resources": shape["resources"]}
    pod = {"template": {"spec": {"containers": [container]}}}
    storage = {"resources": {"requests": {"storage": shape["data_size"]}}}
    return {
        "deployment-patch.yaml": _patch("apps/v1", "Deployment", entry.name, pod),
        "pvc-patch.yaml": _patch(
            "v1", "PersistentVolumeClaim", workload.data_claim_name(entry), storage
        ),
    }


def _prod_files(catalog: Catalog, entry: ServiceEntry, shape: dict[str, Any]) -> dict[str, str]:
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": workload.data_claim_name(entry)},
        "$patch": "delete",
    }
    hpa = scaling.autoscaler_patch(catalog, entry)
    return {
        "database.yaml": yaml_text(scaling.database_cluster(entry)),
        "deployment-patch.yaml": yaml_text(
            scaling.deployment_patch(catalog, entry, shape["resources"])
        ),
        "hpa-patch.yaml": _patch(
            "autoscaling/v2", "HorizontalPodAutoscaler", entry.name, hpa
        ).replace("\n", "\n" + scaling.RAISING_REPLICAS, 1),
        "pvc-delete.yaml": yaml_text(claim),
    }


def service_tree(catalog: Catalog, entry: ServiceEntry, groups: list[Any]) -> dict[str, str]:
    """Repository path -> text for deploy/k8s/services/<svc>/."""
    root = f"deploy/k8s/services/{entry.name}"
    tree = {
        f"{root}/base/{name}": text for name, text in base_manifests(catalog, entry, groups).items()
    }
    for overlay in sorted(OVERLAYS):
        for name, text in overlay_manifests(catalog, entry, overlay).items():
            tree[f"{root}/overlays/{overlay}/{name}"] = text
    return tree
