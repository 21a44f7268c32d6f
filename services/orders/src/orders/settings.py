"""Orders settings: its database."""

from homefield.runtime import ServiceSettings, settings_config


class OrdersSettings(ServiceSettings):
    model_config = settings_config("orders")
    database_url: str = "sqlite:///.run/data/orders.sqlite3"
