"""The WebLab on a real broker: Assign over real gRPC, outcomes from orders.v1 events."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from aiokafka import AIOKafkaProducer
from experiments.bootstrap import build
from experiments.settings import ExperimentsSettings
from homefield.runtime.db import utc_now
from homefield.runtime.envelope import encode_headers
from homefield.runtime.service import ServiceApp
from homefield.testing.service import create_topics, eventually, running, unique_prefix
from shop.experiments.v1 import experiments_pb2, experiments_pb2_grpc
from shop.orders.v1 import events_pb2

pytestmark = pytest.mark.integration

LIVE = "free-shipping-threshold"


@pytest.fixture
async def weblab(kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[ServiceApp]:
    prefix = unique_prefix()
    await create_topics(kafka_bootstrap, prefix)
    settings = ExperimentsSettings(
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=prefix,
        database_url=f"sqlite:///{tmp_path / 'experiments.sqlite3'}",
        grpc_port=0,
        http_port=0,
    )
    app = build(settings)
    async with running(app):
        yield app


@pytest.fixture
async def stub(
    weblab: ServiceApp,
) -> AsyncIterator[experiments_pb2_grpc.ExperimentServiceStub]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{weblab.grpc_port}") as channel:
        yield experiments_pb2_grpc.ExperimentServiceStub(channel)


async def publish_confirmed(
    bootstrap: str, topic: str, *, customer: str, order_id: str, total_cents: int
) -> None:
    event = events_pb2.OrderConfirmed(
        order_id=order_id, customer_id=customer, total_cents=total_cents, variant="treatment"
    )
    headers = encode_headers(
        ce_id=str(uuid.uuid4()),
        ce_type="shop.orders.v1.OrderConfirmed",
        ce_source="//homefield/orders",
        ce_time=utc_now(),
        traceparent="",
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, event.SerializeToString(), key=order_id.encode(), headers=headers
        )
    finally:
        await producer.stop()


async def test_assign_over_grpc_is_sticky_and_returns_the_params(
    stub: experiments_pb2_grpc.ExperimentServiceStub,
) -> None:
    request = experiments_pb2.AssignRequest(experiment=LIVE, unit_id="cust-grpc-1")
    first = await stub.Assign(request)
    second = await stub.Assign(request)
    assert first.variant == second.variant
    assert first.variant in {"control", "treatment"}
    expected = "5000" if first.variant == "control" else "2500"
    assert first.params["free_shipping_threshold_cents"] == expected
    assert first.params["shipping_cents"] == "499"


async def test_bad_requests_get_grpc_status_codes_naming_the_field(
    stub: experiments_pb2_grpc.ExperimentServiceStub,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as empty:
        await stub.Assign(experiments_pb2.AssignRequest(experiment=LIVE, unit_id=""))
    assert empty.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "unit_id" in (empty.value.details() or "")
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await stub.GetResults(experiments_pb2.GetResultsRequest(experiment="no-such-test"))
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND


async def test_an_order_confirmed_event_moves_the_results(
    kafka_bootstrap: str,
    weblab: ServiceApp,
    stub: experiments_pb2_grpc.ExperimentServiceStub,
) -> None:
    assigned = await stub.Assign(experiments_pb2.AssignRequest(experiment=LIVE, unit_id="cust-9"))
    topic = weblab.settings.topic_prefix + "orders.v1"
    await publish_confirmed(
        kafka_bootstrap, topic, customer="cust-9", order_id="order-9", total_cents=6_500
    )

    async def converted() -> experiments_pb2.VariantResult | None:
        report = await stub.GetResults(experiments_pb2.GetResultsRequest(experiment=LIVE))
        row = next(v for v in report.variants if v.variant == assigned.variant)
        return row if row.conversions == 1 else None

    row = await eventually(converted)
    assert (row.units, row.conversion_rate, row.revenue_per_unit) == (1, 1.0, 6_500.0)
