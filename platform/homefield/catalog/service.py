"""service.yaml: the runtime contract of one service (ports, topics, dependencies)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from homefield.catalog.yamlfile import load_yaml, parse_yaml, validate

_RETENTION = re.compile(r"^(\d+)([smhdw])$")
_RETENTION_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def env_prefix(service: str) -> str:
    """The settings prefix of a service (``<SVC>_``, homefield.runtime.settings):
    ``orders`` -> ``ORDERS``."""
    return service.upper().replace("-", "_")


def env_name(service: str, setting: str) -> str:
    """The environment variable of one of a service's settings: ``ORDERS_ENDPOINTS``."""
    return f"{env_prefix(service)}_{setting.upper()}"


class GrpcSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    port: int = Field(ge=1, le=65535)
    provides: list[str] = Field(min_length=1)


class HttpSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    port: int = Field(ge=1, le=65535)
    public: bool = False  # serves clients outside the shop: the network policy admits anyone


class TopicSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    topic: str = Field(pattern=r"^[a-z][a-z0-9-]*\.v\d+$")
    partitions: int = Field(default=3, ge=1, le=64)
    retention: str = "7d"

    @field_validator("retention")
    @classmethod
    def _retention_is_a_duration(cls, value: str) -> str:
        if not _RETENTION.match(value):
            raise ValueError("retention must look like 7d, 12h or 30m")
        return value

    @property
    def retention_ms(self) -> int:
        match = _RETENTION.match(self.retention)
        assert match is not None
        return int(match.group(1)) * _RETENTION_SECONDS[match.group(2)] * 1000


class ServiceSpec(BaseModel):
    """One service.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    tier: Literal[1, 2, 3]
    lifecycle: Literal["experimental", "production", "deprecated"] = "production"
    description: str = ""
    grpc: GrpcSpec | None = None
    http: HttpSpec
    publishes: list[TopicSpec] = []
    consumes: list[str] = []
    calls: list[str] = []
    # Settings (field names, without the <SVC>_ prefix) that come from a secret, never from a
    # ConfigMap.
    secrets: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]] = []

    @property
    def dlq_topic(self) -> str:
        """``<name>.dlq``, named by homefield.runtime.dlq (imported here on use: the runtime
        itself imports the catalog)."""
        from homefield.runtime.dlq import dlq_topic

        return dlq_topic(self.name)


def parse_service(text: str, path: Path | str) -> ServiceSpec:
    return validate(parse_yaml(text, path), ServiceSpec)


def load_service(path: Path) -> ServiceSpec:
    return validate(load_yaml(path), ServiceSpec)
