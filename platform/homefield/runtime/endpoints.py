"""Where a caller finds the services it calls: the ``<SVC>_ENDPOINTS`` setting.

The setting maps each gRPC service in service.yaml ``calls`` to the addresses of its provider,
``{"shop.inventory.v1.InventoryService": ["127.0.0.1:50053", "127.0.0.1:50153"]}``. `make up`
and `make render` write it from the callees' service.yaml, so a running service never reads
another service's files. One address may be a DNS name (a Kubernetes headless Service or a
compose service name answers with every replica); several addresses, one per replica, must be
IP literals of one family. Either way the channel balances calls over every address
(round_robin).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence

# A gRPC service's full name as service.yaml writes it: shop.inventory.v1.InventoryService.
_GRPC_SERVICE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.[A-Z][A-Za-z0-9]*$")
_HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9\-]{0,62})(\.[A-Za-z0-9][A-Za-z0-9\-]{0,62})*$")

Endpoints = Mapping[str, Sequence[str]]


def _ip_family(host: str) -> str | None:
    """``ipv4`` or ``ipv6`` for an IP literal (IPv6 in brackets), None for a DNS name."""
    text = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and text == host:
        raise ValueError(f"IPv6 address {host!r} must be in brackets: [{host}]:port")
    return f"ipv{address.version}"


def check_address(address: str) -> str | None:
    """Refuse anything but ``host:port``; return the host's IP family (None for a name)."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"{address!r} is not host:port (port 1..65535)")
    family = _ip_family(host)
    if family is None and not _HOSTNAME.match(host):
        raise ValueError(f"{host!r} in {address!r} is neither an IP address nor a DNS name")
    return family


def channel_target(addresses: Sequence[str]) -> str:
    """The gRPC target for a callee's addresses: ``dns:///host:port`` for one, and
    ``ipv4:a:p,b:p`` (or ``ipv6:``) for several replicas."""
    if not addresses:
        raise ValueError("no address")
    families = {check_address(address) for address in addresses}
    if len(addresses) == 1:
        return f"dns:///{addresses[0]}"
    family = families.pop() if len(families) == 1 else None
    if family is None:
        raise ValueError(
            "several addresses must all be IPv4 or all IPv6 literals; for replicas behind a"
            f" DNS name give that one name instead (got {', '.join(addresses)})"
        )
    return f"{family}:{','.join(addresses)}"


def check_endpoints(endpoints: Endpoints) -> None:
    """Refuse a key that is not a gRPC service name or a callee with no usable addresses."""
    for grpc_service, addresses in endpoints.items():
        if not _GRPC_SERVICE.match(grpc_service):
            raise ValueError(
                f"{grpc_service!r} is not a gRPC service name"
                " (like shop.inventory.v1.InventoryService)"
            )
        try:
            channel_target(addresses)
        except ValueError as exc:
            raise ValueError(f"{grpc_service}: {exc}") from None
