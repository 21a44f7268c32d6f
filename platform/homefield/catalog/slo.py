"""slo.yaml: a service's SLOs, in Sloth's model with platform SLI kinds (see docs/METRICS.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from homefield.catalog.yamlfile import load_yaml, parse_yaml, validate

# Histogram bucket bounds exported by homefield.runtime.metrics. A latency or lag
# threshold must be one of them, or the SLI could not be computed from the buckets.
LATENCY_BUCKETS_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
EVENT_AGE_BUCKETS_SECONDS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
# The fastest burn rate that pages (homefield.slo.windows): the page needs an error ratio of
# this many error budgets, which is over 1 (every event failing) for an objective too low.
FAST_PAGE_BURN_RATE = 14.4
# Routes are matched as the runtime labels them: `method` in upper case.
HttpMethod = Annotated[str, AfterValidator(str.upper)]


class _Sli(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GrpcAvailability(_Sli):
    kind: Literal["grpc-availability"]
    method: str


class GrpcLatency(_Sli):
    kind: Literal["grpc-latency"]
    method: str
    threshold_ms: int = Field(gt=0)

    @model_validator(mode="after")
    def _threshold_is_a_bucket(self) -> GrpcLatency:
        _require_bucket(self.threshold_ms / 1000, LATENCY_BUCKETS_SECONDS, "threshold_ms", 1000)
        return self


class HttpAvailability(_Sli):
    kind: Literal["http-availability"]
    route: str = Field(pattern=r"^/")
    method: HttpMethod = "GET"


class HttpLatency(_Sli):
    kind: Literal["http-latency"]
    route: str = Field(pattern=r"^/")
    method: HttpMethod = "GET"
    threshold_ms: int = Field(gt=0)

    @model_validator(mode="after")
    def _threshold_is_a_bucket(self) -> HttpLatency:
        _require_bucket(self.threshold_ms / 1000, LATENCY_BUCKETS_SECONDS, "threshold_ms", 1000)
        return self


class ConsumerLag(_Sli):
    kind: Literal["consumer-lag"]
    topic: str
    max_lag_seconds: float = Field(gt=0)

    @model_validator(mode="after")
    def _threshold_is_a_bucket(self) -> ConsumerLag:
        _require_bucket(self.max_lag_seconds, EVENT_AGE_BUCKETS_SECONDS, "max_lag_seconds", 1)
        return self


class EventAvailability(_Sli):
    kind: Literal["event-availability"]
    handler: str


class OutboxDelivery(_Sli):
    """Rows of the service's outbox delivered within ``max_age_seconds`` of being written."""

    kind: Literal["outbox-delivery"]
    max_age_seconds: float = Field(gt=0)

    @model_validator(mode="after")
    def _threshold_is_a_bucket(self) -> OutboxDelivery:
        _require_bucket(self.max_age_seconds, EVENT_AGE_BUCKETS_SECONDS, "max_age_seconds", 1)
        return self


Sli = Annotated[
    GrpcAvailability
    | GrpcLatency
    | HttpAvailability
    | HttpLatency
    | ConsumerLag
    | EventAvailability
    | OutboxDelivery,
    Field(discriminator="kind"),
]
SLI_KINDS = (
    "grpc-availability",
    "grpc-latency",
    "http-availability",
    "http-latency",
    "consumer-lag",
    "event-availability",
    "outbox-delivery",
)


def bucket_label(seconds: float) -> str:
    """A bucket bound as prometheus_client writes it in ``le`` (Python's repr of the float:
    0.25, 1.0, 30.0); the outbox's overdue counter labels its thresholds the same way."""
    return repr(float(seconds))


def _require_bucket(seconds: float, buckets: tuple[float, ...], field: str, scale: int) -> None:
    if not any(abs(seconds - bound) < 1e-9 for bound in buckets):
        allowed = ", ".join(f"{bound * scale:g}" for bound in buckets)
        raise ValueError(f"{field} must be a histogram bucket bound: one of {allowed}")


class Slo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    objective: float = Field(gt=0, lt=100)
    sli: Sli
    runbook: str = ""
    description: str = ""

    @field_validator("objective")
    @classmethod
    def _fast_page_can_fire(cls, objective: float) -> float:
        budget = 1 - objective / 100
        if FAST_PAGE_BURN_RATE * budget >= 1:
            lowest = 100 - 100 / FAST_PAGE_BURN_RATE
            raise ValueError(
                f"objective {objective:g} is too low: the fast page fires at"
                f" {FAST_PAGE_BURN_RATE:g}x the error budget of {budget:.4g}, an error ratio"
                f" over 1 that even every event failing cannot reach; use more than {lowest:.6g}"
            )
        return objective

    @property
    def runbook_ref(self) -> str:
        """``RUNBOOK.md#anchor``: the explicit runbook link, or the SLO's own section."""
        return self.runbook or f"RUNBOOK.md#{self.name}"

    @property
    def error_budget(self) -> float:
        return 1 - self.objective / 100


def outbox_age_thresholds(slos: SloFile) -> tuple[float, ...]:
    """The ``max_age_seconds`` of every outbox-delivery SLO: the runtime counts the rows that
    pass each of them undelivered."""
    found = {slo.sli.max_age_seconds for slo in slos.slos if isinstance(slo.sli, OutboxDelivery)}
    return tuple(sorted(found))


class SloFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    slos: list[Slo] = Field(min_length=1)

    @model_validator(mode="after")
    def _names_are_unique(self) -> SloFile:
        names = [slo.name for slo in self.slos]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate SLO names: {', '.join(duplicates)}")
        return self


def parse_slos(text: str, path: Path | str) -> SloFile:
    return validate(parse_yaml(text, path), SloFile)


def load_slos(path: Path) -> SloFile:
    return validate(load_yaml(path), SloFile)
