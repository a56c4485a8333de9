"""The one error hierarchy and the one place that renders errors.

Every error body is a JSON object whose ``error`` is a message a person can act on (the
original's exact text where it had one), plus ``code``, optional ``details``, ``timestamp``
and ``requestId``. Keys the original sent beside ``error`` (``success``, ``topic``,
``status``) are kept where the original sent them.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from control_tower.core.clock import Clock
from control_tower.core.jsonenc import JSResponse

log = structlog.get_logger("control_tower.errors")


class AppError(Exception):
    """Base of every expected failure; rendered as ``{"error": message, "code": ...}``."""

    status_code = 400
    code = "BAD_REQUEST"

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        details: Any = None,
        leading: dict[str, Any] | None = None,
        trailing: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        if code is not None:
            self.code = code
        self.details = details
        self.leading = leading or {}
        self.trailing = trailing or {}
        self.headers = headers or {}


class BadRequest(AppError):
    status_code = 400
    code = "VALIDATION_ERROR"


class InvalidJson(AppError):
    status_code = 400
    code = "INVALID_JSON"


class Unauthorized(AppError):
    status_code = 401
    code = "UNAUTHORIZED"


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"


class NotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"


class MethodNotAllowed(AppError):
    status_code = 405
    code = "METHOD_NOT_ALLOWED"


class Conflict(AppError):
    status_code = 409
    code = "CONFLICT"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class Unprocessable(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"


class RateLimited(AppError):
    status_code = 429
    code = "RATE_LIMITED"


class OriginalFailure(AppError):
    """A failure the original answered with a 500 and a fixed message (kept for the contract)."""

    status_code = 500
    code = "REQUEST_FAILED"


def _clock_of(request: Request) -> Clock:
    clock = getattr(request.app.state, "clock", None)
    return clock if isinstance(clock, Clock) else Clock()


def error_body(
    request: Request,
    message: str,
    code: str,
    *,
    details: Any = None,
    leading: dict[str, Any] | None = None,
    trailing: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The project's error shape."""
    body: dict[str, Any] = dict(leading or {})
    body["error"] = message
    body.update(trailing or {})
    body["code"] = code
    if details is not None:
        body["details"] = details
    body["timestamp"] = _clock_of(request).now_iso()
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["requestId"] = request_id
    return body


def error_response(
    request: Request,
    status_code: int,
    message: str,
    code: str,
    *,
    details: Any = None,
    headers: dict[str, str] | None = None,
    leading: dict[str, Any] | None = None,
    trailing: dict[str, Any] | None = None,
) -> Response:
    body = error_body(request, message, code, details=details, leading=leading, trailing=trailing)
    return JSResponse(body, status_code=status_code, headers=headers)


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    if exc.status_code >= 500:
        log.warning("request.failed", error=exc.message, code=exc.code, exc_info=exc.__cause__)
    return error_response(
        request,
        exc.status_code,
        exc.message,
        exc.code,
        details=exc.details,
        headers=exc.headers,
        leading=exc.leading,
        trailing=exc.trailing,
    )


_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        message = f"Not found: no route matches {request.method} {request.url.path}"
    elif isinstance(exc.detail, str):
        message = exc.detail
    else:
        message = "Request failed"
    code = _HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
    return error_response(request, exc.status_code, message, code, headers=dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for item in exc.errors():
        location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        problems.append({"field": location, "issue": item.get("msg", "invalid")})
    summary = "; ".join(f"{p['field']}: {p['issue']}" for p in problems) or "invalid request"
    return error_response(
        request, 422, f"Invalid request: {summary}", "VALIDATION_ERROR", details=problems
    )


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("request.crashed", error=repr(exc), exc_info=exc)
    settings = getattr(request.app.state, "settings", None)
    development = settings is not None and settings.environment == "development"
    details = {"exception": repr(exc)} if development else None
    return error_response(
        request,
        500,
        "Internal server error: the request could not be completed",
        "INTERNAL_ERROR",
        details=details,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Render every error in the project's one shape."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
