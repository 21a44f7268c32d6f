"""Every kustomize overlay builds with the real kubectl, and every core kind validates strictly."""

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
CUSTOM_KINDS = {"ServiceMonitor", "PrometheusRule", "KafkaTopic", "Kafka", "KafkaNodePool"}
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
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "KafkaTopic",
            "KafkaTopic",
            "NetworkPolicy",
            "PersistentVolumeClaim",
            "PodDisruptionBudget",
            "PrometheusRule",
            "Service",
            "ServiceMonitor",
        ]
    )
    by_kind = {doc["kind"]: doc for doc in docs}
    deployment = by_kind["Deployment"]
    assert "replicas" not in deployment["spec"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    hpa = by_kind["HorizontalPodAutoscaler"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 1)
    budget = by_kind["PodDisruptionBudget"]["spec"]
    assert budget == {"maxUnavailable": 1, "selector": budget["selector"]}
    claim = by_kind["PersistentVolumeClaim"]
    assert claim["spec"]["resources"]["requests"]["storage"] == "10Gi"
    data = next(v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == "data")
    assert data["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]


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
