"""Shipping settings: its database."""

from homefield.runtime import ServiceSettings, settings_config


class ShippingSettings(ServiceSettings):
    model_config = settings_config("shipping")
    database_url: str = "sqlite:///.run/data/shipping.sqlite3"
