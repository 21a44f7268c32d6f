"""Names and settings shared by every deploy target: labels, image, environment variables."""

from __future__ import annotations

from collections.abc import Callable

from homefield.catalog import Catalog, ServiceEntry, env_prefix

NAMESPACE = "homefield"
KAFKA_CLUSTER = "homefield"
K8S_KAFKA_BOOTSTRAP = f"{KAFKA_CLUSTER}-kafka-bootstrap.{NAMESPACE}.svc:9092"
K8S_OTLP_ENDPOINT = "http://otel-collector.monitoring.svc:4317"
IMAGE_REGISTRY = "ghcr.io/homefield-dev"
RUN_AS_USER = 10001


def image_name(name: str) -> str:
    """The repository of a service's image; the tag comes from its package version (images:)."""
    return f"{IMAGE_REGISTRY}/{name}"


def selector_labels(name: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name}


def labels(entry: ServiceEntry) -> dict[str, str]:
    return {
        **selector_labels(entry.name),
        "app.kubernetes.io/part-of": "homefield",
        "team": entry.team,
        "tier": str(entry.spec.tier),
    }


def callees(catalog: Catalog, entry: ServiceEntry) -> list[ServiceEntry]:
    """The services ``entry`` calls over gRPC, by name, each once."""
    found = {catalog.provider_of(api).name: catalog.provider_of(api) for api in entry.spec.calls}
    return [found[name] for name in sorted(found)]


def callers(catalog: Catalog, entry: ServiceEntry) -> list[str]:
    """The services whose ``calls`` name an API that ``entry`` provides."""
    return sorted(
        other.name
        for other in catalog.services.values()
        if entry.name in {callee.name for callee in callees(catalog, other)}
    )


def service_env(
    catalog: Catalog,
    entry: ServiceEntry,
    *,
    kafka: str,
    host_of: Callable[[str], str],
    otlp: str = "",
) -> dict[str, str]:
    """The environment of a service in a container, the same for Kubernetes and compose."""
    prefix = env_prefix(entry.name)
    env = {
        f"{prefix}_KAFKA_BOOTSTRAP": kafka,
        f"{prefix}_DATABASE_PATH": f"/data/{entry.name}.sqlite3",
        f"{prefix}_HTTP_HOST": "0.0.0.0",  # inside a container, listen beyond loopback
    }
    for callee in callees(catalog, entry):
        assert callee.spec.grpc is not None
        endpoint = f"{host_of(callee.name)}:{callee.spec.grpc.port}"
        env[f"HOMEFIELD_ENDPOINT_{env_prefix(callee.name)}"] = endpoint
    if otlp:
        env["OTEL_TRACES_EXPORTER"] = "otlp"
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp
        env["OTEL_SERVICE_NAME"] = entry.name
    return env
