from pathlib import Path

from homefield.runtime import ServiceSettings
from pydantic_settings import SettingsConfigDict


class ShippingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHIPPING_", frozen=True, extra="ignore")
    database_path: Path = Path(".run/data/shipping.sqlite3")
