"""service.yaml: the runtime contract of one service (ports, topics, dependencies)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from homefield.catalog.deviations import Deviation, deviation_problem
from homefield.catalog.usage import PlannedGrowth, Signal, UsageSpec, resolve_signals
from homefield.catalog.yamlfile import LocatedYaml, load_yaml, parse_yaml, validate

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
    usage: UsageSpec = UsageSpec()
    planned_growth: list[PlannedGrowth] = []
    deviations: list[Deviation] = []

    @property
    def dlq_topic(self) -> str:
        """``<name>.dlq``, named by homefield.runtime.dlq (imported here on use: the runtime
        itself imports the catalog)."""
        from homefield.runtime.dlq import dlq_topic

        return dlq_topic(self.name)

    @property
    def signals(self) -> list[Signal]:
        """The usage signals watched for this service (docs/METRICS.md, "Usage signals")."""
        return resolve_signals(self.usage, consumes=bool(self.consumes))

    def deviation(self, standard: str) -> Deviation | None:
        return next((d for d in self.deviations if d.standard == standard), None)


def _cross_check(doc: LocatedYaml, spec: ServiceSpec) -> ServiceSpec:
    watched = {signal.name for signal in spec.signals}
    if spec.usage.events is not None and "events" not in watched:
        raise doc.error(("usage", "events"), "the service consumes no topic: it has no events")
    for index, mark in enumerate(spec.planned_growth):
        if mark.signal not in watched:
            raise doc.error(
                ("planned_growth", index, "signal"),
                f"{mark.signal!r} is not a signal of this service ({', '.join(sorted(watched))})",
            )
    seen: set[str] = set()
    for index, deviation in enumerate(spec.deviations):
        problem = deviation_problem(deviation.standard)
        if deviation.standard in seen:
            problem = f"{deviation.standard!r} is declared twice"
        if problem is not None:
            raise doc.error(("deviations", index, "standard"), problem)
        seen.add(deviation.standard)
    return spec


def parse_service(text: str, path: Path | str) -> ServiceSpec:
    doc = parse_yaml(text, path)
    return _cross_check(doc, validate(doc, ServiceSpec))


def load_service(path: Path) -> ServiceSpec:
    doc = load_yaml(path)
    return _cross_check(doc, validate(doc, ServiceSpec))
