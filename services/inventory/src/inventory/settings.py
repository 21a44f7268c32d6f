"""Inventory settings: its database, and a larger seeded stock for local load runs."""

from pathlib import Path

from homefield.runtime import ServiceSettings
from pydantic import AliasChoices, Field, ValidationInfo, field_validator
from pydantic_settings import SettingsConfigDict


class InventorySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INVENTORY_", frozen=True, extra="ignore")
    database_path: Path = Path(".run/data/inventory.sqlite3")
    # Declared before seed_stock_scale: its check reads it.
    environment: str = Field(
        default="", validation_alias=AliasChoices("HOMEFIELD_ENV", "environment")
    )
    # Above 1, each start tops every product's available stock up to its seeded stock times
    # this: a local load run can then place more orders than the seed holds (3,655 units).
    seed_stock_scale: int = Field(default=1, ge=1, le=10_000)

    @field_validator("seed_stock_scale")
    @classmethod
    def _scale_is_local(cls, value: int, info: ValidationInfo) -> int:
        if value > 1 and info.data.get("environment") != "local":
            raise ValueError(
                "a seed stock scale above 1 restocks on every start and is only allowed with"
                " HOMEFIELD_ENV=local"
            )
        return value
