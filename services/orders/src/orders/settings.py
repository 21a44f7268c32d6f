from pathlib import Path

from homefield.runtime import ServiceSettings
from pydantic_settings import SettingsConfigDict


class OrdersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERS_", frozen=True, extra="ignore")
    database_path: Path = Path(".run/data/orders.sqlite3")
