from pathlib import Path

from homefield.runtime import ServiceSettings
from pydantic_settings import SettingsConfigDict


class ExperimentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXPERIMENTS_", frozen=True, extra="ignore")
    database_path: Path = Path(".run/data/experiments.sqlite3")
    # Relative paths are taken from the repository root.
    experiments_file: Path = Path("services/experiments/experiments.yaml")
