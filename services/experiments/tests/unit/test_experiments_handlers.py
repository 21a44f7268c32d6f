"""Assign, record_conversion and GetResults against an in-memory database."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from experiments.bootstrap import MIGRATIONS, build
from experiments.domain.assignment import choose_variant
from experiments.domain.definitions import Experiment, Variant, load_experiments
from experiments.entrypoints.grpc import ExperimentServicer
from experiments.handlers import record_conversion
from experiments.settings import ExperimentsSettings
from homefield.runtime import InvalidArgument, NotFound
from homefield.runtime.db import Database, open_database
from shop.experiments.v1 import experiments_pb2
from shop.orders.v1 import events_pb2

LIVE = "free-shipping-threshold"
EXPERIMENTS = load_experiments(Path(__file__).resolve().parents[2] / "experiments.yaml")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", topic="x", migrations=[MIGRATIONS]
    )
    database.open()
    yield database
    database.close()


@pytest.fixture
def weblab(db: Database) -> ExperimentServicer:
    return ExperimentServicer(db, EXPERIMENTS)


async def assign(
    servicer: ExperimentServicer, unit: str, experiment: str = LIVE
) -> experiments_pb2.AssignResponse:
    return await servicer.Assign(
        experiments_pb2.AssignRequest(experiment=experiment, unit_id=unit), None
    )


async def results(
    servicer: ExperimentServicer, experiment: str = LIVE
) -> experiments_pb2.GetResultsResponse:
    return await servicer.GetResults(experiments_pb2.GetResultsRequest(experiment=experiment), None)


def confirm(db: Database, customer: str, order_id: str, total_cents: int) -> None:
    event = events_pb2.OrderConfirmed(
        order_id=order_id, customer_id=customer, total_cents=total_cents, variant="treatment"
    )
    with db.transaction() as tx:
        record_conversion(event, tx)


def unit_in(variant: str, start: int = 0) -> str:
    live = EXPERIMENTS[LIVE]
    return next(
        f"cust-{n}"
        for n in range(start, 10_000)
        if choose_variant(live, f"cust-{n}").name == variant
    )


async def test_order_confirmed_is_the_only_event_handled(tmp_path: Path) -> None:
    app = build(ExperimentsSettings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}"))
    [route] = app.registry.routes.values()
    assert (route.name, route.event_type, route.handler) == (
        "record_conversion",
        events_pb2.OrderConfirmed,
        record_conversion,
    )
    assert set(app.registry.grpc_methods) == {"Assign", "GetResults"}


async def test_assign_returns_the_variant_and_its_params(weblab: ExperimentServicer) -> None:
    response = await assign(weblab, unit_in("treatment"))
    assert response.experiment == LIVE
    assert response.variant == "treatment"
    assert dict(response.params) == {
        "shipping_cents": "499",
        "free_shipping_threshold_cents": "2500",
    }


async def test_assign_is_sticky_and_keeps_the_first_exposure(
    weblab: ExperimentServicer, db: Database
) -> None:
    unit = unit_in("control")
    first = await assign(weblab, unit)
    (exposed_at,) = db.conn.execute("SELECT exposed_at FROM exposures").fetchone()
    again = await assign(weblab, unit)
    assert first.variant == again.variant == "control"
    rows = db.conn.execute("SELECT unit_id, variant, exposed_at FROM exposures").fetchall()
    assert rows == [(unit, "control", exposed_at)]


async def test_a_unit_keeps_its_variant_when_the_weights_change(db: Database) -> None:
    def split(control: int, treatment: int) -> dict[str, Experiment]:
        variants = [
            Variant(name="control", weight=control, control=True),
            Variant(name="treatment", weight=treatment),
        ]
        return {"ramp": EXPERIMENTS[LIVE].model_copy(update={"name": "ramp", "variants": variants})}

    before = ExperimentServicer(db, split(99, 1))
    units = [f"u{n}" for n in range(50)]
    first = [(await assign(before, u, "ramp")).variant for u in units]
    after = ExperimentServicer(db, split(1, 99))
    assert [(await assign(after, u, "ramp")).variant for u in units] == first
    assert first.count("control") > 40


@pytest.mark.parametrize(
    ("experiment", "unit", "field"),
    [("", "cust-1", "experiment"), ("  ", "cust-1", "experiment"), (LIVE, "", "unit_id")],
)
async def test_assign_rejects_empty_fields(
    weblab: ExperimentServicer, experiment: str, unit: str, field: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await assign(weblab, unit, experiment)
    assert caught.value.field == field


async def test_assign_rejects_an_overlong_unit(weblab: ExperimentServicer) -> None:
    with pytest.raises(InvalidArgument, match="at most 128"):
        await assign(weblab, "c" * 129)


async def test_unknown_experiments_are_not_found(weblab: ExperimentServicer) -> None:
    with pytest.raises(NotFound, match="no experiment 'nope'"):
        await assign(weblab, "cust-1", "nope")
    with pytest.raises(NotFound, match="experiment"):
        await results(weblab, "nope")


async def test_a_confirmed_order_converts_an_exposed_unit_once_and_adds_revenue(
    weblab: ExperimentServicer, db: Database
) -> None:
    buyer, browser = unit_in("treatment"), unit_in("treatment", start=5_000)
    await assign(weblab, buyer)
    await assign(weblab, browser)
    confirm(db, buyer, "order-1", 3_000)
    confirm(db, buyer, "order-2", 1_000)
    confirm(db, buyer, "order-1", 3_000)
    report = await results(weblab)
    treatment = next(v for v in report.variants if v.variant == "treatment")
    assert (treatment.units, treatment.conversions) == (2, 1)
    assert treatment.conversion_rate == 0.5
    # Revenue per unit counts the unit that did not buy as zero.
    assert treatment.revenue_per_unit == 2_000.0


async def test_an_order_from_an_unexposed_customer_changes_nothing(
    weblab: ExperimentServicer, db: Database
) -> None:
    confirm(db, "never-assigned", "order-9", 5_000)
    report = await results(weblab)
    assert [(v.units, v.conversions) for v in report.variants] == [(0, 0), (0, 0)]
    assert db.conn.execute("SELECT COUNT(*) FROM conversions").fetchone() == (0,)


async def test_a_unit_in_two_experiments_converts_in_both(db: Database) -> None:
    second = EXPERIMENTS[LIVE].model_copy(update={"name": "second"})
    weblab = ExperimentServicer(db, {LIVE: EXPERIMENTS[LIVE], "second": second})
    await assign(weblab, "cust-7")
    await assign(weblab, "cust-7", "second")
    confirm(db, "cust-7", "order-1", 1_500)
    for name in (LIVE, "second"):
        report = await results(weblab, name)
        assert sum(v.conversions for v in report.variants) == 1
        assert sum(v.revenue_per_unit for v in report.variants) == 1_500.0


async def test_results_before_any_exposure_use_the_default_baseline(
    weblab: ExperimentServicer,
) -> None:
    report = await results(weblab)
    assert [(v.variant, v.control) for v in report.variants] == [
        ("control", True),
        ("treatment", False),
    ]
    assert report.srm_p_value == 1.0
    assert report.required_units_per_variant == 3_841
    assert not report.sample_reached
    assert not report.variants[1].HasField("conversion")


async def test_results_compare_treatment_with_control(
    weblab: ExperimentServicer, db: Database
) -> None:
    live = EXPERIMENTS[LIVE]
    units = [f"cust-{n}" for n in range(400)]
    for unit in units:
        await assign(weblab, unit)
    buyers = [u for u in units if choose_variant(live, u).name == "treatment"][:60]
    buyers += [u for u in units if choose_variant(live, u).name == "control"][:20]
    for number, unit in enumerate(buyers):
        confirm(db, unit, f"order-{number}", 4_000)
    report = await results(weblab)
    control, treatment = report.variants
    assert control.units + treatment.units == 400
    assert (control.conversions, treatment.conversions) == (20, 60)
    assert not control.HasField("conversion") and not control.HasField("revenue")
    assert treatment.conversion.difference == pytest.approx(
        60 / treatment.units - 20 / control.units
    )
    assert treatment.conversion.ci_low > 0
    assert treatment.conversion.p_value < 0.001
    assert treatment.revenue.difference == pytest.approx(
        treatment.revenue_per_unit - control.revenue_per_unit
    )
    assert treatment.revenue.p_value < 0.001
    assert 0.0 < report.srm_p_value <= 1.0
    assert report.required_units_per_variant > 400
    assert not report.sample_reached


async def test_the_sample_is_reached_once_every_variant_has_the_required_units(
    db: Database,
) -> None:
    coarse = EXPERIMENTS[LIVE].model_copy(update={"minimum_detectable_effect": 0.5})
    weblab = ExperimentServicer(db, {LIVE: coarse})
    needed = (await results(weblab)).required_units_per_variant
    assert needed < 20
    for n in range(2 * needed + 40):
        await assign(weblab, f"cust-{n}")
    report = await results(weblab)
    assert all(v.units >= needed for v in report.variants)
    assert report.sample_reached
