"""Paired rounds, ratios and the table `make bench` prints; the gRPC variants' real paths."""

from collections.abc import Callable
from types import ModuleType

import pytest
from homefield.catalog import Catalog


@pytest.fixture
def rounds(load: Callable[[str], ModuleType]) -> ModuleType:
    return load("bench_rounds")


def recorder(rounds: ModuleType, log: list[str], name: str, values: list[float]) -> object:
    remaining = list(values)

    async def measure() -> object:
        log.append(name)
        rate = remaining.pop(0)
        return rounds.Sample(rate=rate, cpu_rate=rate * 2)

    return measure


async def test_rounds_alternate_which_side_goes_first(rounds: ModuleType) -> None:
    log: list[str] = []
    base, cand = await rounds.paired_rounds(
        name="t",
        rounds=3,
        baseline=recorder(rounds, log, "raw", [100, 110, 90]),
        candidate=recorder(rounds, log, "platform", [50, 99, 45]),
        unit="msg/s",
    )
    assert log == ["raw", "platform", "platform", "raw", "raw", "platform"]
    assert [s.rate for s in base] == [100, 110, 90]
    assert [s.rate for s in cand] == [50, 99, 45]


def test_the_ratio_is_the_median_of_paired_rounds_and_judged_against_the_target(
    rounds: ModuleType,
) -> None:
    def samples(*rates: float) -> list[object]:
        return [rounds.Sample(rate=r, cpu_rate=r / 2) for r in rates]

    comparison = rounds.Comparison(
        name="consumer relay",
        unit="msg/s",
        baseline_name="raw aiokafka relay",
        baseline=samples(100, 200, 400),
        candidate=samples(90, 100, 300),
        target=0.8,
    )
    assert comparison.ratios == [0.9, 0.5, 0.75]
    assert comparison.ratio == 0.75
    assert not comparison.met
    row = rounds.render_table([comparison])[2]
    assert row.startswith("consumer relay  raw aiokafka relay")
    assert " 0.75 0.50-0.90 (3)" in row
    assert row.endswith("0.80x  NO")


def test_a_sample_counts_units_per_wall_and_per_cpu_second(rounds: ModuleType) -> None:
    sample = rounds.Sample.between(
        1000, rounds.Stamp(wall=10.0, cpu=3.0), rounds.Stamp(wall=12.0, cpu=3.5)
    )
    assert (sample.rate, sample.cpu_rate) == (500.0, 2000.0)


async def test_breakdown_rounds_start_one_variant_further_on_each_round(
    rounds: ModuleType,
) -> None:
    log: list[str] = []
    measures = {name: recorder(rounds, log, name, [10, 20, 30]) for name in ("a", "b", "c")}
    values = await rounds.rotated_rounds(name="t", rounds=3, measures=measures, unit="/s")
    assert log == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert rounds.render_breakdown(values, "a")[1].split() == ["a", "20", "1.00", "1.00"]


def handled(metrics: object) -> float:
    value = metrics.registry.get_sample_value(
        "grpc_server_handled_total",
        {
            "grpc_service": "shop.shipping.v1.ShippingService",
            "grpc_method": "GetShipment",
            "grpc_code": "OK",
        },
    )
    return value or 0.0


async def test_only_the_platform_variants_go_through_the_runtime_interceptors(
    load: Callable[[str], ModuleType],
) -> None:
    bench_grpc = load("bench_grpc")
    rounds = load("bench_rounds")
    async with bench_grpc.GrpcBench(
        catalog=Catalog.load(), calls=40, concurrency=4, profiles=rounds.Profiles()
    ) as bench:
        before = handled(bench.server_metrics)
        await bench.measure("bare")()
        await bench.measure("client interceptor only")()
        assert handled(bench.server_metrics) == before
        sample = await bench.measure("platform")()
        assert handled(bench.server_metrics) == before + 40
        await bench.measure("server interceptor only")()
        assert handled(bench.server_metrics) == before + 80
    assert sample.rate > 0
