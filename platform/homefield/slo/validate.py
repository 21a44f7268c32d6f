"""Cross-checks between a service's slo.yaml and its service.yaml, with file and line."""

from __future__ import annotations

from homefield.catalog import ServiceEntry
from homefield.catalog.registrations import read_bootstrap, require_registered
from homefield.catalog.slo import ConsumerLag, GrpcAvailability, GrpcLatency, OutboxDelivery
from homefield.catalog.yamlfile import load_yaml


def _problem(entry: ServiceEntry, index: int) -> tuple[str, str] | None:
    sli = entry.slos.slos[index].sli
    if isinstance(sli, GrpcAvailability | GrpcLatency) and entry.spec.grpc is None:
        return "kind", f"{sli.kind} needs a grpc server, but service.yaml declares none"
    if isinstance(sli, ConsumerLag) and sli.topic not in entry.spec.consumes:
        return "topic", f"{sli.topic!r} is not in service.yaml consumes"
    if isinstance(sli, OutboxDelivery) and not entry.spec.publishes:
        return "kind", "outbox-delivery needs a published topic, but service.yaml publishes none"
    return None


def check_publisher_has_outbox_slo(entry: ServiceEntry) -> None:
    """A service that publishes must declare an outbox-delivery SLO: consumers' freshness cannot
    see a producer that has stopped, so only this SLO pages the producing team for its stall."""
    if not entry.spec.publishes:
        return
    if any(isinstance(slo.sli, OutboxDelivery) for slo in entry.slos.slos):
        return
    doc = load_yaml(entry.directory / "slo.yaml")
    raise doc.error(
        ("slos",),
        "the service publishes "
        + ", ".join(topic.topic for topic in entry.spec.publishes)
        + " but declares no SLO of kind outbox-delivery",
    )


def check_slos_against_service(entry: ServiceEntry) -> None:
    """Raise a CatalogError (slo.yaml, line, field) for an SLO the service cannot measure."""
    for index in range(len(entry.slos.slos)):
        problem = _problem(entry, index)
        if problem is not None:
            field, reason = problem
            doc = load_yaml(entry.directory / "slo.yaml")
            raise doc.error(("slos", index, "sli", field), reason)


def check_slos_against_bootstrap(entry: ServiceEntry) -> None:
    """Raise a CatalogError for an SLO naming a handler or gRPC method that the service's
    bootstrap.py does not register (read statically, never run)."""
    require_registered(entry, read_bootstrap(entry))


def check_runbook_ref(entry: ServiceEntry) -> None:
    """A runbook reference must be a file in the service directory, optionally with an anchor."""
    for index, slo in enumerate(entry.slos.slos):
        path = slo.runbook_ref.partition("#")[0]
        if not path or path.startswith(("/", "..")) or "://" in path:
            doc = load_yaml(entry.directory / "slo.yaml")
            raise doc.error(("slos", index, "runbook"), "must look like RUNBOOK.md#section")
