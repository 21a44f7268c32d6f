"""homefield.runtime: what every service runs on (settings, logs, tracing, metrics, gRPC, HTTP,
the event bus with outbox, idempotency and DLQ, graceful shutdown).

The names below load on first use, so a tool that needs only the settings' names (`make
render`, `make up`) does not import gRPC, Kafka and the web stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from homefield.runtime.settings import (
        Fault,
        ServiceSettings,
        SettingsError,
        load_settings,
        settings_config,
    )

_MODULES = {
    "Transaction": "db",
    "AlreadyExists": "errors",
    "FailedPrecondition": "errors",
    "InvalidArgument": "errors",
    "InvalidEvent": "errors",
    "NotFound": "errors",
    "ServiceError": "errors",
    "require_text": "errors",
    "run_service": "lifecycle",
    "serve": "lifecycle",
    "Outcome": "pipeline",
    "RegistrationError": "registry",
    "ServiceApp": "service",
    "Fault": "settings",
    "ServiceSettings": "settings",
    "SettingsError": "settings",
    "load_settings": "settings",
    "settings_config": "settings",
}

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
    "require_text",
    "run_service",
    "serve",
    "settings_config",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
