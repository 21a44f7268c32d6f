"""Every refusal of the public API is a JSON body naming the problem, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from storefront.adapters.idempotency import KeyReused
from storefront.adapters.upstream import Conflict, Missing, Rejected, Unavailable, UpstreamError
from storefront.domain.orders import UnknownSku
from storefront.entrypoints.schemas import ErrorBody

log = logging.getLogger("storefront.errors")


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.body = ErrorBody(error=error, message=message, field=field)
        self.headers = headers
        super().__init__(message)


# OpenAPI declarations of the error bodies a route can answer with.
def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


# ("body", "items", 0, "sku") -> "items[0].sku"; ("header", "Idempotency-Key") -> the name.
def field_path(loc: Sequence[int | str]) -> str:
    parts = list(loc[1:]) if len(loc) > 1 and loc[0] in {"body", "header", "path", "query"} else []
    if not parts or isinstance(parts[0], int):
        # No field to name, or a position in a body that is not even JSON.
        return str(loc[0]) if loc else "body"
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _json(error: ApiError) -> JSONResponse:
    content = error.body.model_dump()
    return JSONResponse(content, status_code=error.status, headers=error.headers)


def _translate(exc: Exception) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0]
        path = field_path(first["loc"])
        return ApiError(422, "invalid_request", f"{path}: {first['msg']}", field=path)
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    if isinstance(exc, UnknownSku | Rejected):
        message = f"{exc.field}: {exc}" if exc.field else str(exc)
        return ApiError(422, "invalid_request", message, field=exc.field)
    if isinstance(exc, KeyReused | Conflict):
        message = "Idempotency-Key was already used with a different request body"
        return ApiError(409, "idempotency_key_reused", message, field="Idempotency-Key")
    if isinstance(exc, Missing):
        return ApiError(404, "not_found", str(exc))
    if isinstance(exc, Unavailable):
        return ApiError(503, "unavailable", f"{exc.service} is unavailable, retry later")
    log.error("unexpected error: %s", exc, exc_info=exc)
    return ApiError(500, "internal_error", "internal error")


def _http_error(exc: HTTPException) -> ApiError:
    if exc.status_code == 400:
        # FastAPI's answer to a body it cannot even decode (not UTF-8): as malformed as bad JSON.
        return ApiError(422, "invalid_request", f"body: {exc.detail}", field="body")
    error = "not_found" if exc.status_code == 404 else "http_error"
    headers = dict(exc.headers) if exc.headers else None
    return ApiError(exc.status_code, error, str(exc.detail), headers=headers)


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    del request
    return _json(_translate(exc))


def install_error_handlers(app: FastAPI) -> None:
    for kind in (ApiError, HTTPException, RequestValidationError, UnknownSku, KeyReused):
        app.add_exception_handler(kind, _handle)
    app.add_exception_handler(UpstreamError, _handle)
    app.add_exception_handler(Exception, _handle)
