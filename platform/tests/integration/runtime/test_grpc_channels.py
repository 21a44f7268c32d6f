"""Channels from the endpoints setting, against real gRPC servers on local ports: calls are
balanced over every replica, and a callee that restarted answers its idle caller's next call."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from homefield.local.health import free_port
from homefield.runtime.endpoints import channel_target
from homefield.runtime.grpc_client import open_channel
from homefield.runtime.metrics import Metrics
from homefield.runtime.tracing import build_tracer_provider, tracer_for

CALL_TIMEOUT = 30  # a deadline for one call on a busy machine, not a speed measure


class CountingHealth(health_pb2_grpc.HealthServicer):
    def __init__(self, name: str, calls: Counter[str]) -> None:
        self._name = name
        self._calls = calls

    async def Check(self, _request, _context):  # noqa: N802 (the generated name)
        self._calls[self._name] += 1
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


@asynccontextmanager
async def replica(name: str, port: int, calls: Counter[str]) -> AsyncIterator[None]:
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(CountingHealth(name, calls), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    try:
        yield
    finally:
        await server.stop(0)


def channel(addresses: list[str]) -> grpc.aio.Channel:
    metrics = Metrics(service="caller", team="platform", tier=1, version="t")
    tracer = tracer_for(build_tracer_provider(service="caller", version="t"), "caller")
    return open_channel(channel_target(addresses), metrics=metrics, tracer=tracer)


async def test_calls_are_spread_over_every_replica_address() -> None:
    calls: Counter[str] = Counter()
    ports = [free_port(), free_port()]
    async with replica("a", ports[0], calls), replica("b", ports[1], calls):
        async with channel([f"127.0.0.1:{port}" for port in ports]) as chan:
            stub = health_pb2_grpc.HealthStub(chan)
            for _ in range(40):
                await stub.Check(health_pb2.HealthCheckRequest(), timeout=CALL_TIMEOUT)
    assert calls["a"] + calls["b"] == 40
    assert calls["a"] >= 10 and calls["b"] >= 10, calls


async def test_a_restarted_callee_answers_the_first_call_of_an_idle_caller() -> None:
    calls: Counter[str] = Counter()
    port = free_port()
    async with channel([f"127.0.0.1:{port}"]) as chan:
        stub = health_pb2_grpc.HealthStub(chan)
        async with replica("before", port, calls):
            await stub.Check(health_pb2.HealthCheckRequest(), timeout=CALL_TIMEOUT)
        # The caller makes no call while the callee is down: its channel fails to reconnect
        # and backs off before trying again.
        await _failing(chan)
        async with replica("after", port, calls):
            await stub.Check(health_pb2.HealthCheckRequest(), timeout=CALL_TIMEOUT)
    assert calls == {"before": 1, "after": 1}


async def _failing(chan: grpc.aio.Channel) -> None:
    """Return once the channel is in TRANSIENT_FAILURE (no address connects)."""
    state = chan.get_state()
    while state != grpc.ChannelConnectivity.TRANSIENT_FAILURE:
        await asyncio.wait_for(chan.wait_for_state_change(state), CALL_TIMEOUT)
        state = chan.get_state()
