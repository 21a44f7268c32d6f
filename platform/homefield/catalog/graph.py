"""Who depends on a service, through the whole graph: the one reading of `calls` and `consumes`.

A service's downstream dependants are the services that call an API it provides or consume a
topic it publishes, and, transitively, everything that depends on those. Credit names them as
the services a change could help or hurt; a transfer lists them for the team taking over.
"""

from __future__ import annotations

from collections.abc import Mapping

from homefield.catalog.service import ServiceSpec


def direct_dependants(specs: Mapping[str, ServiceSpec], service: str) -> set[str]:
    """The services that call ``service``'s APIs or consume its topics (itself excluded)."""
    spec = specs.get(service)
    if spec is None:
        return set()
    provided = set(spec.grpc.provides) if spec.grpc else set()
    published = {t.topic for t in spec.publishes}
    return {
        name
        for name, other in specs.items()
        if name != service and (provided & set(other.calls) or published & set(other.consumes))
    }


def dependants(specs: Mapping[str, ServiceSpec], service: str) -> list[str]:
    """Every service downstream of ``service``, sorted; cycles end where they meet."""
    found: set[str] = set()
    frontier = [service]
    while frontier:
        for name in direct_dependants(specs, frontier.pop()):
            if name not in found and name != service:
                found.add(name)
                frontier.append(name)
    return sorted(found)
