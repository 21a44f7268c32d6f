from pathlib import Path

from homefield.runtime import ServiceSettings
from pydantic_settings import SettingsConfigDict


class PaymentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", frozen=True, extra="ignore")
    database_path: Path = Path(".run/data/payments.sqlite3")
