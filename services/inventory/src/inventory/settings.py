from pathlib import Path

from homefield.runtime import ServiceSettings
from pydantic_settings import SettingsConfigDict


class InventorySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INVENTORY_", frozen=True, extra="ignore")
    database_path: Path = Path(".run/data/inventory.sqlite3")
