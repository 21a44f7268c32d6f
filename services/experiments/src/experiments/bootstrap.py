"""The WebLab's composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homefield.runtime import ServiceApp, load_settings
from shop.experiments.v1.experiments_pb2_grpc import add_ExperimentServiceServicer_to_server
from shop.orders.v1.events_pb2 import OrderConfirmed

from experiments import handlers
from experiments.domain.definitions import load_experiments
from experiments.entrypoints.grpc import ExperimentServicer
from experiments.settings import ExperimentsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: ExperimentsSettings | None = None, **options: Any) -> ServiceApp:
    settings = settings or load_settings(ExperimentsSettings)
    app = ServiceApp("experiments", settings, migrations=MIGRATIONS, **options)
    definitions = load_experiments(app.root / settings.experiments_file)
    app.handle("record_conversion", OrderConfirmed, handlers.record_conversion)
    app.add_grpc(
        add_ExperimentServiceServicer_to_server,
        ExperimentServicer(app.db, definitions),
        methods=["Assign", "GetResults"],
    )
    return app
