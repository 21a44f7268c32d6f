"""What a service registers in its bootstrap.py: event handlers by explicit name and event type,
with their dependencies injected, and the gRPC methods it serves.

A handler's registered name, not its function name, is its metric label, its fault key and the
name slo.yaml refers to, so renaming a function changes nothing an SLO depends on. Whatever the
consumer or the gRPC server runs is something registered here, and registration refuses what the
runtime could not serve (a streaming method, an event from a topic the service does not consume).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pool
from google.protobuf.message import Message

from homefield.catalog.registrations import Registered
from homefield.runtime.db import Transaction

Handler = Callable[[Any, Transaction], None]
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Event packages are shop.<producer>.v<N>; the producer's topic is <producer>.v<N>.
_EVENT_PACKAGE = re.compile(r"^shop\.([a-z][a-z0-9_]*)\.(v\d+)$")


class RegistrationError(ValueError):
    """bootstrap.py registered something the runtime cannot run; the message says what."""


@dataclass(frozen=True)
class Route:
    """Which handler, under which registered name, takes an event type."""

    name: str
    event_type: type[Message]
    handler: Handler


def event_topic(event_type: type[Message]) -> str:
    """The topic an event type is published on: ``shop.orders.v1.X`` -> ``orders.v1``."""
    package = event_type.DESCRIPTOR.file.package
    match = _EVENT_PACKAGE.match(package)
    if match is None:
        raise RegistrationError(f"{event_type.DESCRIPTOR.full_name} is not a shop.<svc>.vN event")
    return f"{match.group(1).replace('_', '-')}.{match.group(2)}"


def inject(handler: Callable[..., None], name: str, deps: dict[str, Any]) -> Handler:
    """``handler`` with ``deps`` bound to its keyword-only parameters; every one it requires must
    be given and nothing else may be (cosmicpython's ``inject_dependencies``, checked up front)."""
    params = inspect.signature(handler).parameters
    keyword_only = {p.name: p for p in params.values() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    unknown = sorted(set(deps) - set(keyword_only))
    if unknown:
        raise RegistrationError(
            f"handler {name}: {', '.join(unknown)} is not a keyword-only parameter of"
            f" {getattr(handler, '__name__', handler)!s}"
        )
    missing = sorted(
        p.name for p in keyword_only.values() if p.default is p.empty and p.name not in deps
    )
    if missing:
        raise RegistrationError(f"handler {name}: no dependency given for {', '.join(missing)}")
    return functools.partial(handler, **deps) if deps else handler


class Registry:
    """The handlers and gRPC methods of one service."""

    def __init__(
        self,
        service: str,
        *,
        consumes: Iterable[str],
        pool: descriptor_pool.DescriptorPool | None = None,
    ) -> None:
        self.service = service
        self._consumes = set(consumes)
        self._pool = pool or descriptor_pool.Default()
        self.routes: dict[str, Route] = {}
        self.grpc_methods: dict[str, str] = {}  # method -> full gRPC service name

    @property
    def handler_names(self) -> set[str]:
        return {route.name for route in self.routes.values()}

    def registered(self) -> Registered:
        """The names slo.yaml may refer to."""
        return Registered(frozenset(self.handler_names), frozenset(self.grpc_methods))

    def handle(
        self, name: str, event_type: type[Message], handler: Callable[..., None], **deps: Any
    ) -> None:
        """Run ``handler`` for every ``event_type`` consumed, under ``name``."""
        if not NAME.match(name):
            raise RegistrationError(f"handler name {name!r} must be snake_case: {NAME.pattern}")
        if name in self.handler_names:
            raise RegistrationError(f"handler name {name!r} is registered twice")
        full_name = event_type.DESCRIPTOR.full_name
        if full_name in self.routes:
            taken = self.routes[full_name].name
            raise RegistrationError(f"{full_name} already has a handler: {taken}")
        topic = event_topic(event_type)
        if topic not in self._consumes:
            raise RegistrationError(
                f"handler {name}: {full_name} comes from {topic}, which"
                f" services/{self.service}/service.yaml does not list in consumes"
            )
        self.routes[full_name] = Route(name, event_type, inject(handler, name, deps))

    def add_grpc_service(self, grpc_service: str, methods: Iterable[str]) -> None:
        """Record that ``methods`` of ``grpc_service`` are served: exactly the proto's methods,
        every one unary (the platform's interceptor, metrics and faults serve unary calls)."""
        try:
            descriptor = self._pool.FindServiceByName(grpc_service)
        except KeyError:
            raise RegistrationError(f"{grpc_service} is not a generated gRPC service") from None
        listed = list(methods)
        in_proto = [method.name for method in descriptor.methods]
        if sorted(listed) != sorted(in_proto) or len(set(listed)) != len(listed):
            raise RegistrationError(
                f"{grpc_service}: methods= must list each method of the proto once:"
                f" {', '.join(in_proto)} (got {', '.join(listed) or 'none'})"
            )
        for method in descriptor.methods:
            if method.client_streaming or method.server_streaming:
                raise RegistrationError(
                    f"{grpc_service}/{method.name} is a streaming method; the platform serves"
                    " unary methods only (see docs/RUNTIME.md)"
                )
            if method.name in self.grpc_methods:
                raise RegistrationError(f"gRPC method {method.name} is registered twice")
        self.grpc_methods.update({method: grpc_service for method in in_proto})
