"""Platform gRPC unary calls against bare grpc.aio calls, with the same servicer.

Platform: the runtime's GrpcServer (its interceptor: span, fault check, error mapping, RED
metrics; health and reflection registered) called through a channel with the runtime's
ClientInterceptor (span, traceparent metadata, RED metrics), as open_channel builds it. Bare:
grpc.aio.server and grpc.aio.insecure_channel with no interceptor. Both serve
shop.shipping.v1.ShippingService GetShipment from one in-memory servicer, client and server in
this process on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from shop.shipping.v1 import shipping_pb2
from shop.shipping.v1.shipping_pb2_grpc import (
    ShippingServiceServicer,
    ShippingServiceStub,
    add_ShippingServiceServicer_to_server,
)

if TYPE_CHECKING:
    from shop.shipping.v1.shipping_pb2_grpc import ShippingServiceAsyncStub

from bench_rounds import Measure, Profiles, Sample, Stamp
from homefield.catalog import Catalog
from homefield.runtime.faults import FaultInjector
from homefield.runtime.grpc_client import open_channel
from homefield.runtime.grpc_server import GrpcServer
from homefield.runtime.metrics import Metrics
from homefield.runtime.tracing import build_tracer_provider, tracer_for

SERVICE = "shipping"
CALLER = "storefront"
_HOST = "127.0.0.1"


class BenchShippingServicer(ShippingServiceServicer):
    def __init__(self) -> None:
        self.response = shipping_pb2.GetShipmentResponse(
            shipment=shipping_pb2.Shipment(
                shipment_id="shp-bench",
                order_id="bench-0000001",
                tracking_number="TRK0000001",
                dispatched_at=Timestamp(seconds=1_790_000_000),
            )
        )

    async def GetShipment(
        self, _request: shipping_pb2.GetShipmentRequest, _context: Any
    ) -> shipping_pb2.GetShipmentResponse:
        return self.response


def _metrics(catalog: Catalog, service: str) -> Metrics:
    entry = catalog.services[service]
    return Metrics(service=service, team=entry.team, tier=entry.spec.tier, version="bench")


def _tracer(service: str) -> Any:
    return tracer_for(build_tracer_provider(service=service, version="bench"), service)


async def drive(stub: ShippingServiceAsyncStub, *, calls: int, concurrency: int) -> Sample:
    """Make ``calls`` GetShipment calls with ``concurrency`` in flight; return calls per second."""
    request = shipping_pb2.GetShipmentRequest(order_id="bench-0000001")
    remaining = calls

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await stub.GetShipment(request, timeout=10)

    started = Stamp.now()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Sample.between(calls, started, Stamp.now())


class NoopServerInterceptor(grpc.aio.ServerInterceptor):
    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        return await continuation(handler_call_details)


class NoopClientInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Any],
        client_call_details: grpc.aio.ClientCallDetails,
        request: Any,
    ) -> Any:
        return await continuation(client_call_details, request)


class GrpcBench:
    """Servers and channels stay up for the whole run; a round only drives calls.

    Variants for the breakdown: "bare", "platform", "server interceptor only" (bare channel to
    the platform server), "client interceptor only" (platform channel to the bare server) and
    "no-op interceptors" (grpc.aio's interceptor machinery with nothing inside).
    """

    def __init__(
        self, *, catalog: Catalog, calls: int, concurrency: int, profiles: Profiles
    ) -> None:
        self.catalog = catalog
        self.calls = calls
        self.concurrency = concurrency
        self.profiles = profiles
        self.stubs: dict[str, ShippingServiceAsyncStub] = {}
        self.server_metrics = _metrics(catalog, SERVICE)
        self.client_metrics = _metrics(catalog, CALLER)
        self._stack = AsyncExitStack()
        self._servicer = BenchShippingServicer()

    async def __aenter__(self) -> GrpcBench:
        platform_port = await self._start_platform_server()
        bare_port = await self._start_server(grpc.aio.server())
        noop_server = grpc.aio.server(interceptors=[NoopServerInterceptor()])
        noop_port = await self._start_server(noop_server)
        self.stubs = {
            "bare": self._stub(grpc.aio.insecure_channel(f"{_HOST}:{bare_port}")),
            "platform": self._stub(self._platform_channel(platform_port)),
            "server interceptor only": self._stub(
                grpc.aio.insecure_channel(f"{_HOST}:{platform_port}")
            ),
            "client interceptor only": self._stub(self._platform_channel(bare_port)),
            "no-op interceptors": self._stub(
                grpc.aio.insecure_channel(
                    f"{_HOST}:{noop_port}", interceptors=[NoopClientInterceptor()]
                )
            ),
        }
        for stub in self.stubs.values():
            await drive(stub, calls=200, concurrency=self.concurrency)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def _start_platform_server(self) -> int:
        server = GrpcServer(
            metrics=self.server_metrics,
            tracer=_tracer(SERVICE),
            faults=FaultInjector({}),
        )
        grpc_spec = self.catalog.services[SERVICE].spec.grpc
        assert grpc_spec is not None
        server.add(add_ShippingServiceServicer_to_server, self._servicer, grpc_spec.provides[0])
        port = await server.start(_HOST, 0)
        self._stack.push_async_callback(server.stop, 0)
        return port

    async def _start_server(self, server: grpc.aio.Server) -> int:
        add_ShippingServiceServicer_to_server(self._servicer, server)
        port = server.add_insecure_port(f"{_HOST}:0")
        await server.start()
        self._stack.push_async_callback(server.stop, 0)
        return port

    def _platform_channel(self, port: int) -> grpc.aio.Channel:
        return open_channel(f"{_HOST}:{port}", metrics=self.client_metrics, tracer=_tracer(CALLER))

    def _stub(self, channel: grpc.aio.Channel) -> ShippingServiceAsyncStub:
        self._stack.push_async_callback(channel.close)
        return ShippingServiceStub(channel)

    def measure(self, variant: str) -> Measure:
        async def rate() -> Sample:
            with self.profiles.section(f"grpc {variant}"):
                return await drive(
                    self.stubs[variant], calls=self.calls, concurrency=self.concurrency
                )

        return rate
