"""Orders settings: its database."""

from pathlib import Path

from homefield.runtime import ServiceSettings, settings_config


class OrdersSettings(ServiceSettings):
    model_config = settings_config("orders")
    database_path: Path = Path(".run/data/orders.sqlite3")
