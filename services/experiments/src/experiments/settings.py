"""Experiments settings: its database and the experiments file it serves."""

from pathlib import Path

from homefield.runtime import ServiceSettings, settings_config


class ExperimentsSettings(ServiceSettings):
    model_config = settings_config("experiments")
    database_url: str = "sqlite:///.run/data/experiments.sqlite3"
    # Relative paths are taken from the repository root.
    experiments_file: Path = Path("services/experiments/experiments.yaml")
