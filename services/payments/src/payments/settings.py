"""Payments settings: its database."""

from homefield.runtime import ServiceSettings, settings_config


class PaymentsSettings(ServiceSettings):
    model_config = settings_config("payments")
    database_url: str = "sqlite:///.run/data/payments.sqlite3"
