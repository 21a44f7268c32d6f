"""Notifications settings: its database."""

from homefield.runtime import ServiceSettings, settings_config


class NotificationsSettings(ServiceSettings):
    model_config = settings_config("notifications")
    database_url: str = "sqlite:///.run/data/notifications.sqlite3"
