"""Names and settings shared by every deploy target: labels, image, environment variables."""

from __future__ import annotations

from collections.abc import Callable

from homefield.catalog import Catalog, CatalogError, ServiceEntry
from homefield.runtime.settings import settings_env

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


def callee_endpoints(
    catalog: Catalog, entry: ServiceEntry, addresses_of: Callable[[ServiceEntry], list[str]]
) -> dict[str, list[str]]:
    """The ``endpoints`` setting of ``entry``: each gRPC service it calls, with the addresses
    ``addresses_of`` gives for the provider (read from the callee's service.yaml)."""
    return {api: addresses_of(catalog.provider_of(api)) for api in entry.spec.calls}


def grpc_address(host: str, callee: ServiceEntry) -> str:
    """``host:port`` of the gRPC port in ``callee``'s service.yaml."""
    if callee.spec.grpc is None:
        raise CatalogError(callee.directory / "service.yaml", None, "declares no grpc port")
    return f"{host}:{callee.spec.grpc.port}"


def service_env(
    catalog: Catalog,
    entry: ServiceEntry,
    *,
    kafka: str,
    host_of: Callable[[str], str],
    otlp: str = "",
) -> dict[str, str]:
    """The environment of a service in a container, the same for Kubernetes and compose. A
    callee has one address, its DNS name (a headless Service answers with every replica)."""
    env = settings_env(
        entry.name,
        kafka_bootstrap=kafka,
        database_url=f"sqlite:////data/{entry.name}.sqlite3",
        http_host="0.0.0.0",  # inside a container, listen beyond loopback
    )
    endpoints = callee_endpoints(
        catalog, entry, lambda callee: [grpc_address(host_of(callee.name), callee)]
    )
    if endpoints:
        env |= settings_env(entry.name, endpoints=endpoints)
    if otlp:
        env["OTEL_TRACES_EXPORTER"] = "otlp"
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp
        env["OTEL_SERVICE_NAME"] = entry.name
    return env
