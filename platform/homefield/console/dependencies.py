"""A service's neighbours: what it calls and consumes, and who calls and consumes it.

Declared edges come from service.yaml (``calls``, ``consumes``, ``publishes``); observed calls
from the links Zipkin derives from traces (gRPC client and server spans). Each neighbour
carries its owning team, and says whether it was declared, seen in traces, or both.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from homefield.catalog import Catalog, ServiceEntry

# How a neighbour relates to the service; ``traced_*`` edges were seen in traces only.
CALLS, CONSUMES, CALLED_BY, CONSUMED_BY = "calls", "consumes", "called by", "consumed by"
TRACED_TO, TRACED_FROM = "traced to", "traced from"


@dataclass(frozen=True)
class Neighbour:
    """One edge of the dependency strip."""

    service: str
    team: str
    relation: str  # CALLS, CONSUMES, CALLED_BY, CONSUMED_BY, TRACED_TO or TRACED_FROM
    via: str  # "shop.orders.v1.OrderService", "orders.v1" or "" for an edge seen in traces only
    declared: bool
    traced_calls: int | None = None  # calls Zipkin saw over the lookback; None: not seen
    traced_errors: int | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _producer_of(catalog: Catalog, topic: str) -> ServiceEntry | None:
    for entry in catalog.services.values():
        if any(t.topic == topic for t in entry.spec.publishes):
            return entry
    return None


def declared_edges(catalog: Catalog, entry: ServiceEntry) -> list[Neighbour]:
    """The service's edges as service.yaml declares them."""
    edges: list[Neighbour] = []
    for api in entry.spec.calls:
        callee = catalog.provider_of(api)
        edges.append(Neighbour(callee.name, callee.team, CALLS, api, True))
    for topic in entry.spec.consumes:
        producer = _producer_of(catalog, topic)
        if producer is not None:
            edges.append(Neighbour(producer.name, producer.team, CONSUMES, topic, True))
    provided = set(entry.spec.grpc.provides) if entry.spec.grpc else set()
    published = {t.topic for t in entry.spec.publishes}
    for other in catalog.services.values():
        for api in sorted(provided & set(other.spec.calls)):
            edges.append(Neighbour(other.name, other.team, CALLED_BY, api, True))
        for topic in sorted(published & set(other.spec.consumes)):
            edges.append(Neighbour(other.name, other.team, CONSUMED_BY, topic, True))
    return edges


def dependency_strip(
    catalog: Catalog, entry: ServiceEntry, links: list[dict[str, Any]] | None
) -> list[Neighbour]:
    """Declared edges with Zipkin's call counts merged in, then edges seen only in traces.

    A Zipkin link runs from ``parent`` to ``child``: from a caller to the service it called.
    """
    edges = declared_edges(catalog, entry)
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for link in links or []:
        parent, child = str(link.get("parent", "")), str(link.get("child", ""))
        if entry.name in (parent, child) and parent != child:
            seen[(parent, child)] = link
    merged: list[Neighbour] = []
    matched: set[tuple[str, str]] = set()
    for edge in edges:
        pair = _traced_pair(entry.name, edge)
        traced = seen.get(pair) if pair else None
        if traced is not None and pair is not None:
            matched.add(pair)
            edge = Neighbour(**{**asdict(edge), **_counts(traced)})
        merged.append(edge)
    for (parent, child), link in sorted(seen.items()):
        if (parent, child) in matched:
            continue
        other = child if parent == entry.name else parent
        if other not in catalog.services:
            continue
        relation = TRACED_TO if parent == entry.name else TRACED_FROM
        team = catalog.services[other].team
        merged.append(Neighbour(other, team, relation, "", False, **_counts(link)))
    return merged


def _traced_pair(name: str, edge: Neighbour) -> tuple[str, str] | None:
    """The (caller, callee) Zipkin link that shows a gRPC ``edge``. Zipkin links messaging spans
    only through the broker named as their remote service, which OpenTelemetry's Zipkin exporter
    does not send, so event edges have no traced counts."""
    if edge.relation == CALLS:
        return (name, edge.service)
    if edge.relation == CALLED_BY:
        return (edge.service, name)
    return None


def _counts(link: dict[str, Any]) -> dict[str, int]:
    return {
        "traced_calls": int(link.get("callCount", 0) or 0),
        "traced_errors": int(link.get("errorCount", 0) or 0),
    }
