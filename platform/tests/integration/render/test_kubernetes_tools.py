"""Every kustomize overlay builds with the real kubectl, and every core kind validates strictly."""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from homefield.catalog import Catalog

REPO = Path(__file__).resolve().parents[4]
SERVICES = sorted(Catalog.load(REPO).services)
TREES = [f"services/{s}/overlays/{o}" for s in SERVICES for o in ("dev", "prod")] + ["platform"]
CUSTOM_KINDS = {
    "ServiceMonitor",
    "PrometheusRule",
    "KafkaTopic",
    "Kafka",
    "KafkaNodePool",
    "Cluster",
}
# CloudNativePG publishes its CRD schema in no package this build can install, so the fields the
# render sets are checked here against the operator's documented API (postgresql.cnpg.io/v1).
DNS_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
PG_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
K8S_VERSION = "1.31.0"


def _kustomize(tree: Path) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    result = subprocess.run(
        [kubectl, "kustomize", str(tree)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.mark.parametrize("tree", TREES)
def test_overlay_builds_and_core_kinds_validate_strictly(rendered: Path, tree: str) -> None:
    docs = _kustomize(rendered / "deploy/k8s" / tree)
    assert docs
    for doc in docs:
        assert doc["metadata"].get("namespace") == "homefield" or doc["kind"] == "Namespace"
        if doc["kind"] not in CUSTOM_KINDS:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_prod_overlay_is_what_a_team_applies(rendered: Path) -> None:
    docs = _kustomize(rendered / "deploy/k8s/services/payments/overlays/prod")
    kinds = sorted(doc["kind"] for doc in docs)
    assert kinds == sorted(
        [
            "Cluster",
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "KafkaTopic",
            "KafkaTopic",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "PrometheusRule",
            "Service",
            "ServiceMonitor",
        ]
    )
    by_kind = {doc["kind"]: doc for doc in docs}
    deployment = by_kind["Deployment"]
    assert "replicas" not in deployment["spec"]
    assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    hpa = by_kind["HorizontalPodAutoscaler"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 3)
    budget = by_kind["PodDisruptionBudget"]["spec"]
    assert budget == {"maxUnavailable": 1, "selector": budget["selector"]}
    pod = deployment["spec"]["template"]["spec"]
    assert [v["name"] for v in pod["volumes"]] == ["tmp"]
    assert [m["mountPath"] for m in pod["containers"][0]["volumeMounts"]] == ["/tmp"]
    assert pod["containers"][0]["image"] == "ghcr.io/homefield-dev/payments:0.1.0"


@pytest.mark.parametrize("service", SERVICES)
def test_prod_reads_its_database_url_from_the_cloudnativepg_cluster(
    rendered: Path, service: str
) -> None:
    docs = _kustomize(rendered / f"deploy/k8s/services/{service}/overlays/prod")
    cluster = next(doc for doc in docs if doc["kind"] == "Cluster")
    assert cluster["apiVersion"] == "postgresql.cnpg.io/v1"
    name = cluster["metadata"]["name"]
    assert DNS_LABEL.match(name) and len(name) <= 50
    spec = cluster["spec"]
    assert set(spec) == {"instances", "storage", "bootstrap"}
    assert isinstance(spec["instances"], int) and spec["instances"] >= 2
    assert set(spec["storage"]) == {"size"} and QUANTITY.match(spec["storage"]["size"])
    initdb = spec["bootstrap"]["initdb"]
    assert set(spec["bootstrap"]) == {"initdb"} and set(initdb) == {"database", "owner"}
    assert PG_IDENTIFIER.match(initdb["database"]) and PG_IDENTIFIER.match(initdb["owner"])
    # CloudNativePG writes the application user's credentials to the Secret <cluster>-app,
    # whose key `uri` is a postgresql:// URL of the read-write service.
    deployment = next(doc for doc in docs if doc["kind"] == "Deployment")
    env = {e["name"]: e for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    url = env[f"{service.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert url == {"name": f"{name}-app", "key": "uri"}


def test_dev_overlay_stays_one_sqlite_replica(rendered: Path) -> None:
    docs = _kustomize(rendered / "deploy/k8s/services/orders/overlays/dev")
    by_kind = {doc["kind"]: doc for doc in docs}
    assert "Cluster" not in by_kind
    hpa = by_kind["HorizontalPodAutoscaler"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 1)
    assert by_kind["Deployment"]["spec"]["strategy"] == {"type": "Recreate"}
    assert by_kind["PersistentVolumeClaim"]["spec"]["resources"]["requests"]["storage"] == "1Gi"


def test_the_cli_validator_passes_the_core_kinds(rendered: Path, tmp_path: Path) -> None:
    docs = _kustomize(rendered / "deploy/k8s/services/orders/overlays/prod")
    core = tmp_path / "core.yaml"
    core.write_text(yaml.safe_dump_all([d for d in docs if d["kind"] not in CUSTOM_KINDS]))
    validator = Path(sys.executable).parent / "kubernetes-validate"
    result = subprocess.run(
        [str(validator), "--strict", "--quiet", "-k", K8S_VERSION, str(core)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
