"""Notifications settings: its database."""

from pathlib import Path

from homefield.runtime import ServiceSettings, settings_config


class NotificationsSettings(ServiceSettings):
    model_config = settings_config("notifications")
    database_path: Path = Path(".run/data/notifications.sqlite3")
