import json
from pathlib import Path

from homefield.catalog import Catalog
from homefield.deploy.compose import compose_file, grafana_provisioning
from homefield.deploy.dockerfile import dockerfile
from homefield.deploy.images import DEFAULT_BASE_IMAGE
from homefield.deploy.platform import kafka_cluster
from homefield.local.kafka import kafka_version

REPO = Path(__file__).resolve().parents[4]


def test_compose_runs_the_images_make_images_builds() -> None:
    catalog = Catalog.load(REPO)
    services = compose_file(catalog)["services"]
    for name, entry in catalog.services.items():
        assert services[name]["image"] == f"ghcr.io/homefield-dev/{name}:{entry.version}"
        assert "build" not in services[name]
        assert f"{entry.spec.http.port}:{entry.spec.http.port}" in services[name]["ports"]
        assert services[name]["read_only"] is True
    assert services["orders"]["environment"]["ORDERS_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert json.loads(services["orders"]["environment"]["ORDERS_ENDPOINTS"]) == {
        "shop.inventory.v1.InventoryService": ["inventory:50053"]
    }


def test_compose_runs_kafka_in_kraft_mode_and_creates_the_catalog_topics() -> None:
    catalog = Catalog.load(REPO)
    services = compose_file(catalog)["services"]
    # make up, compose and Strimzi run the one version pinned in the local broker's pom.xml
    assert services["kafka"]["image"] == f"apache/kafka:{kafka_version()}"
    assert services["kafka-topics"]["image"] == services["kafka"]["image"]
    assert kafka_cluster()["spec"]["kafka"]["version"] == kafka_version() == "4.1.1"
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    script = services["kafka-topics"]["command"][0]
    for topic in catalog.topics():
        assert f"--topic {topic} " in script
    assert {"prometheus", "alertmanager", "grafana"} <= set(services)


def test_grafana_is_provisioned_with_prometheus_and_the_dashboards() -> None:
    files = grafana_provisioning()
    assert "url: http://prometheus:9090" in files["datasources/homefield.yaml"]
    assert "path: /var/lib/grafana/dashboards" in files["dashboards/homefield.yaml"]


def test_dockerfile_installs_host_built_wheels_on_a_chosen_base_as_non_root() -> None:
    text = dockerfile()
    assert f"ARG BASE_IMAGE={DEFAULT_BASE_IMAGE}\n" in text
    assert text.count("FROM ${BASE_IMAGE}") == 2
    assert "ARG SERVICE" in text
    assert '--no-index --no-cache-dir --find-links /wheels \\\n      "homefield-$SERVICE"' in text
    assert "uv " not in text and "pip download" not in text
    assert "USER 10001:10001" in text
    assert 'python -m \\"$SERVICE\\"' in text
