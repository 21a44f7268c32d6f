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


class InjectedFault(Exception):
    """Raised by the fault injector; never by real code."""
