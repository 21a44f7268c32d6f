"""Inventory settings: its database, and a larger seeded stock for local load runs."""

from homefield.runtime import ServiceSettings, settings_config
from homefield.runtime.settings import ENVIRONMENT
from pydantic import Field, ValidationInfo, field_validator


class InventorySettings(ServiceSettings):
    model_config = settings_config("inventory")
    database_url: str = "sqlite:///.run/data/inventory.sqlite3"
    # Above 1, each start tops every product's available stock up to its seeded stock times
    # this: a local load run can then place more orders than the seed holds (3,655 units).
    seed_stock_scale: int = Field(default=1, ge=1, le=10_000)

    @field_validator("seed_stock_scale")
    @classmethod
    def _scale_is_local(cls, value: int, info: ValidationInfo) -> int:
        if value > 1 and info.data.get("environment") != "local":
            raise ValueError(
                "a seed stock scale above 1 restocks on every start and is only allowed with"
                f" {ENVIRONMENT}=local"
            )
        return value
