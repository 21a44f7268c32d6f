from pathlib import Path

from homefield.runtime import ServiceSettings
from pydantic_settings import SettingsConfigDict


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", frozen=True, extra="ignore")
    database_path: Path = Path(".run/data/notifications.sqlite3")
