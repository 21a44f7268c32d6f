"""homefield.runtime: what every service runs on (settings, logs, tracing, metrics, gRPC, HTTP,
the event bus with outbox, idempotency and DLQ, graceful shutdown)."""

from homefield.runtime.db import Transaction
from homefield.runtime.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    InvalidEvent,
    NotFound,
    ServiceError,
    require_text,
)
from homefield.runtime.lifecycle import run_service, serve
from homefield.runtime.pipeline import Outcome
from homefield.runtime.registry import RegistrationError
from homefield.runtime.service import ServiceApp
from homefield.runtime.settings import Fault, ServiceSettings, SettingsError, load_settings

__all__ = [
    "AlreadyExists",
    "FailedPrecondition",
    "Fault",
    "InvalidArgument",
    "InvalidEvent",
    "NotFound",
    "Outcome",
    "RegistrationError",
    "ServiceApp",
    "ServiceError",
    "ServiceSettings",
    "SettingsError",
    "Transaction",
    "load_settings",
    "run_service",
    "require_text",
    "serve",
]
