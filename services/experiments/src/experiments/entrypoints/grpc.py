"""ExperimentService over gRPC: Assign and GetResults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homefield.rules import validate
from homefield.runtime import NotFound
from homefield.runtime.db import Database
from shop.experiments.v1 import experiments_pb2, experiments_pb2_grpc

from experiments.adapters import repository
from experiments.domain.assignment import choose_variant
from experiments.domain.definitions import Experiment
from experiments.domain.results import Results, analyse
from experiments.domain.significance import Comparison


class ExperimentServicer(experiments_pb2_grpc.ExperimentServiceServicer):
    def __init__(self, db: Database, experiments: Mapping[str, Experiment]) -> None:
        self._db = db
        self._experiments = experiments

    async def Assign(
        self, request: experiments_pb2.AssignRequest, context: Any
    ) -> experiments_pb2.AssignResponse:
        validate(request)  # experiments.proto's rules; INVALID_ARGUMENT names the field
        experiment = self._experiment(request.experiment)
        chosen = choose_variant(experiment, request.unit_id)
        with self._db.transaction() as tx:
            recorded = repository.record_exposure(tx, experiment.name, request.unit_id, chosen.name)
        # A unit keeps its first variant even if the weights have changed since.
        variant = experiment.variant(recorded) or chosen
        return experiments_pb2.AssignResponse(
            experiment=experiment.name, variant=variant.name, params=variant.params
        )

    async def GetResults(
        self, request: experiments_pb2.GetResultsRequest, context: Any
    ) -> experiments_pb2.GetResultsResponse:
        validate(request)
        experiment = self._experiment(request.experiment)
        with self._db.read() as tx:
            totals = repository.variant_totals(tx, experiment.name)
        return results_to_proto(analyse(experiment, totals))

    def _experiment(self, name: str) -> Experiment:
        experiment = self._experiments.get(name)
        if experiment is None:
            raise NotFound(f"no experiment {name!r}", field="experiment")
        return experiment


def _comparison(comparison: Comparison | None) -> experiments_pb2.Comparison | None:
    if comparison is None:
        return None
    return experiments_pb2.Comparison(
        difference=comparison.difference,
        ci_low=comparison.ci_low,
        ci_high=comparison.ci_high,
        p_value=comparison.p_value,
    )


def results_to_proto(results: Results) -> experiments_pb2.GetResultsResponse:
    return experiments_pb2.GetResultsResponse(
        experiment=results.experiment,
        variants=[
            experiments_pb2.VariantResult(
                variant=row.variant,
                control=row.control,
                units=row.units,
                conversions=row.conversions,
                conversion_rate=row.conversion_rate,
                revenue_per_unit=row.revenue_per_unit,
                conversion=_comparison(row.conversion),
                revenue=_comparison(row.revenue),
            )
            for row in results.variants
        ],
        srm_p_value=results.srm_p_value,
        required_units_per_variant=results.required_units_per_variant,
        sample_reached=results.sample_reached,
    )
