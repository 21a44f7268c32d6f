"""Service settings: one pydantic-settings class per service, prefix ``<SVC>_``, failing fast.

This module owns the settings' environment variable names: a service's class takes its prefix
from ``settings_config``, and `make up`, `make render` and the test helpers write variables
through ``settings_env``, so no name is typed by hand anywhere else.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import to_jsonable_python
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as UnparsableSetting

from homefield.catalog.service import env_name, env_prefix
from homefield.runtime.endpoints import check_endpoints

# pydantic-settings' message for a complex value that is not JSON names the field like this.
_UNPARSABLE_FIELD = re.compile(r'field "([a-z0-9_]+)"')
_POSTGRES_URL = re.compile(r"^postgres(ql)?://[^/\s]+/[A-Za-z0-9_\-]+(\?\S*)?$")
_HOST_PORT = re.compile(r"^[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")
# Where the shop runs, one variable for every service (not <SVC>_-prefixed): ``local`` on a
# developer's machine (`make up`, compose) allows what is only safe there.
ENVIRONMENT = "HOMEFIELD_ENV"


class Fault(BaseModel):
    """An injected fault for one gRPC method or event handler (game days, alert tests)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    delay_ms: int = Field(default=0, ge=0, le=60_000)


class ServiceSettings(BaseSettings):
    """Settings every service has. A service's subclass sets
    ``model_config = settings_config("<svc>")``."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: str = Field(default="", validation_alias=AliasChoices(ENVIRONMENT, "environment"))
    kafka_bootstrap: str = "127.0.0.1:9092"
    # sqlite:///relative/or/absolute.sqlite3 (one process) or postgresql://user@host:port/db
    # (several replicas may share it).
    database_url: str = "sqlite:///.run/data/service.sqlite3"
    grpc_port: int | None = Field(default=None, ge=0, le=65535)
    http_port: int | None = Field(default=None, ge=0, le=65535)
    http_host: str = "127.0.0.1"
    topic_prefix: str = Field(default="", pattern=r"^[a-z0-9.\-]*$")
    version: str = "0.1.0"
    faults: dict[str, Fault] = {}
    consumer_max_attempts: int = Field(default=4, ge=1, le=20)
    retry_backoff_ms: int = Field(default=50, ge=1, le=10_000)
    # Processed event ids are kept well past the topics' retention (7d), beyond which no
    # redelivery or DLQ replay can bring an event back, then forgotten.
    processed_event_retention_days: int = Field(default=14, ge=1, le=365)
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    # Offsets are committed at most this often; a redelivered record is deduplicated by ce_id.
    consumer_commit_interval_ms: int = Field(default=500, ge=0, le=60_000)
    # /readyz fails while the oldest undelivered outbox row is older than this.
    outbox_max_age_seconds: float = Field(default=60.0, gt=0, le=86_400)
    # /readyz fails when the consumer has not polled, or held no partition, for this long.
    consumer_max_stall_seconds: float = Field(default=60.0, gt=0, le=3_600)
    shutdown_grace_seconds: float = Field(default=7.0, gt=0, le=30)
    # The addresses of each gRPC service in service.yaml `calls` (homefield.runtime.endpoints),
    # written by `make up` and `make render` from the callees' service.yaml.
    endpoints: dict[str, tuple[str, ...]] = {}

    @field_validator("database_url")
    @classmethod
    def _database_url_names_a_store(cls, value: str) -> str:
        if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
            return value
        if _POSTGRES_URL.match(value):
            return value
        raise ValueError(
            "expected sqlite:///<file> or postgresql://<user>@<host>[:port]/<database>,"
            f" got {value[:40]!r}"
        )

    @field_validator("kafka_bootstrap")
    @classmethod
    def _bootstrap_is_host_ports(cls, value: str) -> str:
        for server in value.split(","):
            if not _HOST_PORT.match(server.strip()):
                raise ValueError(f"expected host:port[,host:port...], got {server!r}")
        return value

    @field_validator("endpoints")
    @classmethod
    def _endpoints_are_addresses(
        cls, value: dict[str, tuple[str, ...]]
    ) -> dict[str, tuple[str, ...]]:
        check_endpoints(value)
        return value


SettingsT = TypeVar("SettingsT", bound=BaseSettings)


def settings_config(service: str) -> SettingsConfigDict:
    """The ``model_config`` of ``service``'s settings class: its variables are
    ``<SVC>_<FIELD>`` (the prefix derived from the name, as ``setting_name`` derives it), the
    settings are frozen and other variables are ignored."""
    return SettingsConfigDict(env_prefix=f"{env_prefix(service)}_", frozen=True, extra="ignore")


class SettingsError(Exception):
    """Settings could not be loaded; the message names every bad variable."""


def load_settings(cls: type[SettingsT]) -> SettingsT:
    """Instantiate ``cls`` from the environment; validation errors become one clear message."""
    prefix = str(cls.model_config.get("env_prefix", "")).upper()
    try:
        return cls()
    except UnparsableSetting as exc:  # a list or mapping setting that is not JSON
        found = _UNPARSABLE_FIELD.search(str(exc))
        name = f"{prefix}{found.group(1).upper()}" if found else "a setting"
        raise SettingsError(f"invalid settings: {name}: expected JSON ({exc.__cause__})") from None
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field, *inside = err["loc"] or ("",)
            where = "".join(f"{part}: " for part in inside)  # a key or item inside the value
            problems.append(f"{prefix}{str(field).upper()}: {where}{err['msg']}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None


def setting_name(service: str, field: str) -> str:
    """The environment variable that sets ServiceSettings ``field`` for ``service``:
    ``setting_name("orders", "endpoints")`` -> ``ORDERS_ENDPOINTS``; a shop-wide setting has
    its own name (``environment`` -> ``HOMEFIELD_ENV``)."""
    found = ServiceSettings.model_fields.get(field)
    if found is None:
        known = ", ".join(sorted(ServiceSettings.model_fields))
        raise ValueError(f"{field!r} is not a service setting (settings: {known})")
    if isinstance(found.validation_alias, AliasChoices):
        return str(found.validation_alias.choices[0])
    return env_name(service, field)


def settings_env(service: str, **values: object) -> dict[str, str]:
    """Environment variables giving ``service`` these ServiceSettings values, in the form the
    settings parse: text as is, lists and mappings as JSON."""
    return {setting_name(service, field): _env_text(value) for field, value in values.items()}


def _env_text(value: object) -> str:
    if isinstance(value, str | Path | int | float):
        return str(value)
    return json.dumps(to_jsonable_python(value), sort_keys=True)
