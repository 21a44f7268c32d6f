"""Shipping settings: its database."""

from pathlib import Path

from homefield.runtime import ServiceSettings, settings_config


class ShippingSettings(ServiceSettings):
    model_config = settings_config("shipping")
    database_path: Path = Path(".run/data/shipping.sqlite3")
