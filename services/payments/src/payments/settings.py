"""Payments settings: its database."""

from pathlib import Path

from homefield.runtime import ServiceSettings, settings_config


class PaymentsSettings(ServiceSettings):
    model_config = settings_config("payments")
    database_path: Path = Path(".run/data/payments.sqlite3")
