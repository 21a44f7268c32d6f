import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from homefield.catalog import Catalog, CatalogError
from homefield.deploy import monitoring, scaling, workload
from homefield.deploy.env import callers, service_env
from homefield.deploy.kustomize import base_manifests, overlay_manifests
from homefield.deploy.platform import kafka_cluster, kafka_node_pool, platform_tree
from homefield.slo.rules import service_rule_groups

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(REPO)


def _docs(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def test_deployment_probes_security_and_labels(catalog: Catalog) -> None:
    entry = catalog.services["orders"]
    manifest = workload.deployment(entry)
    pod = manifest["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {
        "grpc": 50052,
        "http": 8082,
    }
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"/data", "/tmp"}
    assert set(container["resources"]) == {"requests", "limits"}
    labels = manifest["spec"]["template"]["metadata"]["labels"]
    assert labels["team"] == "checkout" and labels["tier"] == "1"


def test_config_map_names_the_runtime_settings(catalog: Catalog) -> None:
    env = service_env(
        catalog, catalog.services["storefront"], kafka="k:9092", host_of=str, otlp="o"
    )
    assert env["STOREFRONT_KAFKA_BOOTSTRAP"] == "k:9092"
    assert env["STOREFRONT_DATABASE_URL"] == "sqlite:////data/storefront.sqlite3"
    assert env["STOREFRONT_HTTP_HOST"] == "0.0.0.0"
    # each callee's one DNS name, from its service.yaml: a headless Service lists every replica
    assert json.loads(env["STOREFRONT_ENDPOINTS"]) == {
        "shop.experiments.v1.ExperimentService": ["experiments:50057"],
        "shop.inventory.v1.InventoryService": ["inventory:50053"],
        "shop.orders.v1.OrderService": ["orders:50052"],
    }
    assert not any(name.startswith("HOMEFIELD_ENDPOINT") for name in env)
    assert "INVENTORY_ENDPOINTS" not in service_env(
        catalog, catalog.services["inventory"], kafka="k:9092", host_of=str
    )
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "o"
    assert env["OTEL_TRACES_EXPORTER"] == "otlp"


def test_network_policy_admits_only_declared_callers_and_prometheus(catalog: Catalog) -> None:
    entry = catalog.services["inventory"]
    assert callers(catalog, entry) == ["orders", "storefront"]
    policy = monitoring.network_policy(entry, callers(catalog, entry))
    grpc_rule, metrics_rule = policy["spec"]["ingress"]
    peers = [
        peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for peer in grpc_rule["from"]
    ]
    assert peers == ["orders", "storefront"]
    assert grpc_rule["ports"] == [{"port": 50053, "protocol": "TCP"}]
    assert metrics_rule["ports"] == [{"port": 8083, "protocol": "TCP"}]
    assert "prometheus" in str(metrics_rule["from"])


def test_a_service_nobody_calls_admits_only_prometheus(catalog: Catalog) -> None:
    entry = catalog.services["payments"]
    policy = monitoring.network_policy(entry, callers(catalog, entry))
    assert len(policy["spec"]["ingress"]) == 1


def test_kafka_topics_follow_service_yaml_and_add_the_dlq(catalog: Catalog) -> None:
    topics = monitoring.kafka_topics(catalog.services["orders"])
    assert [t["metadata"]["name"] for t in topics] == ["orders.v1", "orders.dlq"]
    published = topics[0]
    assert (
        published["apiVersion"] == "kafka.strimzi.io/v1beta2" and published["kind"] == "KafkaTopic"
    )
    assert published["metadata"]["labels"]["strimzi.io/cluster"] == "homefield"
    assert published["spec"]["partitions"] == 3
    assert published["spec"]["config"]["retention.ms"] == 7 * 24 * 3600 * 1000
    assert monitoring.kafka_topics(catalog.services["storefront"]) == []


def test_custom_resources_have_the_fields_their_operators_require(catalog: Catalog) -> None:
    entry = catalog.services["payments"]
    base = base_manifests(catalog, entry, service_rule_groups(entry))
    monitor = _docs(base["servicemonitor.yaml"])[0]
    assert (monitor["apiVersion"], monitor["kind"]) == (
        "monitoring.coreos.com/v1",
        "ServiceMonitor",
    )
    assert (
        monitor["spec"]["selector"]["matchLabels"]
        and monitor["spec"]["endpoints"][0]["port"] == "http"
    )
    rule = _docs(base["prometheusrule.yaml"])[0]
    assert (rule["apiVersion"], rule["kind"]) == ("monitoring.coreos.com/v1", "PrometheusRule")
    assert rule["spec"]["groups"] == service_rule_groups(entry)
    for topic in _docs(base["kafkatopics.yaml"]):
        assert topic["spec"]["partitions"] >= 1 and topic["spec"]["replicas"] >= 1


def test_kafka_cluster_is_kraft_with_node_pools() -> None:
    pool, cluster = kafka_node_pool(), kafka_cluster()
    assert (pool["apiVersion"], pool["kind"]) == ("kafka.strimzi.io/v1beta2", "KafkaNodePool")
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == cluster["metadata"]["name"]
    assert set(pool["spec"]["roles"]) == {"controller", "broker"} and pool["spec"]["storage"]
    assert (cluster["apiVersion"], cluster["kind"]) == ("kafka.strimzi.io/v1beta2", "Kafka")
    annotations = cluster["metadata"]["annotations"]
    assert annotations == {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"}
    assert "zookeeper" not in cluster["spec"] and cluster["spec"]["kafka"]["listeners"]


def test_a_service_runs_one_sqlite_writer_on_a_persistent_volume(catalog: Catalog) -> None:
    entry = catalog.services["inventory"]
    manifest = workload.deployment(entry)
    assert "replicas" not in manifest["spec"]
    assert manifest["spec"]["strategy"] == {"type": "Recreate"}
    assert "SQLite" in manifest["metadata"]["annotations"]["homefield.dev/scaling"]
    volumes = {v["name"]: v for v in manifest["spec"]["template"]["spec"]["volumes"]}
    assert volumes["data"] == {
        "name": "data",
        "persistentVolumeClaim": {"claimName": "inventory-data"},
    }
    claim = workload.data_claim(entry)
    assert (claim["kind"], claim["metadata"]["name"]) == ("PersistentVolumeClaim", "inventory-data")
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    hpa = workload.autoscaler(entry)["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 1)
    assert workload.disruption_budget(entry)["spec"]["maxUnavailable"] == 1


def test_dev_stays_one_sqlite_replica_and_prod_scales_out_on_postgresql(
    catalog: Catalog,
) -> None:
    entry = catalog.services["orders"]
    base = base_manifests(catalog, entry, service_rule_groups(entry))
    assert "pvc.yaml" in _docs(base["kustomization.yaml"])[0]["resources"]
    dev = overlay_manifests(catalog, entry, "dev")
    assert set(dev) == {"kustomization.yaml", "deployment-patch.yaml", "pvc-patch.yaml"}
    assert "replicas" not in _docs(dev["deployment-patch.yaml"])[0]["spec"]
    claim = _docs(dev["pvc-patch.yaml"])[0]
    assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    prod = overlay_manifests(catalog, entry, "prod")
    assert set(prod) == {
        "kustomization.yaml",
        "database.yaml",
        "deployment-patch.yaml",
        "hpa-patch.yaml",
        "pvc-delete.yaml",
    }
    hpa = _docs(prod["hpa-patch.yaml"])[0]["spec"]
    assert hpa == {"minReplicas": 2, "maxReplicas": 3}  # orders consumes topics of 3 partitions
    assert "raise partitions and\n# replicas together" in prod["hpa-patch.yaml"]


def test_replicas_are_bounded_by_the_partitions_of_every_consumed_topic(catalog: Catalog) -> None:
    for entry in catalog.services.values():
        bound = scaling.max_replicas(catalog, entry)
        for topic in entry.spec.consumes:
            assert bound <= catalog.topics()[topic]
        assert bound >= scaling.MIN_REPLICAS
    assert scaling.max_replicas(catalog, catalog.services["storefront"]) == 6


def test_a_consumed_topic_with_one_partition_cannot_run_two_replicas(catalog: Catalog) -> None:
    entry = catalog.services["inventory"]
    one = entry.spec.model_copy(update={"consumes": ["inventory.dlq"]})
    with pytest.raises(CatalogError, match="inventory.dlq, which has 1 partition"):
        scaling.max_replicas(catalog, replace(entry, spec=one))


def test_grpc_services_are_headless_so_callers_balance_over_every_pod(catalog: Catalog) -> None:
    assert workload.service(catalog.services["inventory"])["spec"]["clusterIP"] == "None"
    assert "clusterIP" not in workload.service(catalog.services["storefront"])["spec"]


def test_platform_ships_dashboards_as_sidecar_config_maps() -> None:
    tree = platform_tree({"orders": '{"uid": "x"}\n'}, [], team="platform", team_usage_groups=[])
    maps = _docs(tree["deploy/k8s/platform/dashboards.yaml"])
    assert maps[0]["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert maps[0]["data"] == {"orders.json": '{"uid": "x"}\n'}


def test_a_public_http_interface_admits_anyone_on_its_port(catalog: Catalog) -> None:
    entry = catalog.services["storefront"]
    http = entry.spec.http.model_copy(update={"public": True})
    public = replace(entry, spec=entry.spec.model_copy(update={"http": http}))
    policy = monitoring.network_policy(public, [])
    assert policy["spec"]["ingress"] == [{"ports": [{"port": 8080, "protocol": "TCP"}]}]


def test_service_and_platform_rules_carry_the_same_selector_labels(catalog: Catalog) -> None:
    entry = catalog.services["orders"]
    base = base_manifests(catalog, entry, service_rule_groups(entry))
    service_rule = _docs(base["prometheusrule.yaml"])[0]["metadata"]["labels"]
    tree = platform_tree({}, [], team="platform", team_usage_groups=[])
    platform_rule = _docs(tree["deploy/k8s/platform/prometheusrule.yaml"])[0]["metadata"]["labels"]
    selector = {"app.kubernetes.io/part-of": "homefield", "role": "alert-rules"}
    assert service_rule == {**selector, "team": "checkout"}
    assert platform_rule == {**selector, "team": "platform"}
