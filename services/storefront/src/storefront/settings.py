"""Storefront settings: API keys, and a refusal to run on the local development key elsewhere."""

from __future__ import annotations

import json
from typing import Annotated, Any

from homefield.runtime import ServiceSettings, settings_config
from homefield.runtime.settings import ENVIRONMENT
from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import NoDecode

LOCAL_DEV_KEY = "local-dev-key"


class StorefrontSettings(ServiceSettings):
    model_config = settings_config("storefront")
    database_url: str = "sqlite:///.run/data/storefront.sqlite3"
    api_keys: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(LOCAL_DEV_KEY,), validate_default=True
    )
    upstream_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # How long catalogue prices are reused for the shipping decision (adapters/prices.py).
    price_max_age_seconds: float = Field(default=10.0, ge=0, le=3600)

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [key.strip() for key in text.split(",") if key.strip()]

    @field_validator("api_keys")
    @classmethod
    def _keys_are_safe(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if not value or any(not key.strip() for key in value):
            raise ValueError("must list at least one non-empty key")
        if LOCAL_DEV_KEY in value and info.data.get("environment") != "local":
            raise ValueError(
                f"the development key {LOCAL_DEV_KEY!r} is only allowed with {ENVIRONMENT}=local;"
                " set STOREFRONT_API_KEYS to real keys"
            )
        return value
