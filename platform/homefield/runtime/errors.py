"""Errors a service raises to reject a request; the runtime maps them to gRPC status codes."""

from __future__ import annotations

import grpc


class ServiceError(Exception):
    """A request the service refuses; ``field`` names the offending input when there is one."""

    code: grpc.StatusCode = grpc.StatusCode.FAILED_PRECONDITION

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        self.message = f"{field}: {message}" if field else message
        super().__init__(self.message)


class InvalidArgument(ServiceError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(ServiceError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(ServiceError):
    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(ServiceError):
    code = grpc.StatusCode.FAILED_PRECONDITION


def require_text(value: str, *, field: str, max_length: int = 200) -> str:
    """``value`` if it is non-blank and at most ``max_length`` long; else InvalidArgument."""
    if not value.strip():
        raise InvalidArgument("is required", field=field)
    if len(value) > max_length:
        raise InvalidArgument(f"must be at most {max_length} characters", field=field)
    return value


class InvalidEvent(ValueError):
    """An event a handler can never apply (a required field is missing, say). The consumer
    dead-letters it at once with this message instead of retrying it."""


class InjectedFault(Exception):
    """Raised by the fault injector; never by real code."""
