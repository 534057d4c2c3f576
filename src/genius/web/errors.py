"""The one error shape every response uses, and the mapping from exceptions to statuses.

Every error leaves as JSON ``{"status", "code", "message", "details", "trace_id"}``:
``code`` is stable for machines, ``message`` reads well for people, ``details`` is a list of
field problems for validation errors (``{"field": "body.lines[0].quantity", "code", "message"}``)
or an object, and ``trace_id`` finds the request in logs and traces.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Send

from genius.kernel.errors import (
    AuthenticationFailed,
    Conflict,
    ExternalServiceError,
    GeniusError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from genius.platform.tenancy import NoTenantContext

JSON_CONTENT_TYPE = b"application/json"

# Each root of the kernel's error tree maps to one status; a subclass may set ``http_status``
# to be more precise (auth's TooManyAttempts -> 429). Order matters: first match wins.
STATUS_BY_ROOT: tuple[tuple[type[GeniusError], int], ...] = (
    (ValidationError, 422),
    (NotFound, 404),
    (Conflict, 409),
    (AuthenticationFailed, 401),
    (PermissionDenied, 403),
    (ExternalServiceError, 502),
)

# Codes for errors Starlette raises itself (unknown route, wrong method...).
CODE_BY_STATUS = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "unavailable",
}


@dataclass(frozen=True)
class ErrorBody:
    status: int
    code: str
    message: str
    details: Any = None
    trace_id: str | None = None

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "status": self.status,
                "code": self.code,
                "message": self.message,
                "details": self.details,
                "trace_id": self.trace_id,
            },
            ensure_ascii=False,
            default=str,
        ).encode()


class BodyTooLarge(GeniusError):
    """The request body is over ``settings.max_body_bytes``."""

    code = "body_too_large"
    http_status = 413


def status_for(exc: GeniusError) -> int:
    explicit = getattr(exc, "http_status", None)
    if isinstance(explicit, int):
        return explicit
    for root, status in STATUS_BY_ROOT:
        if isinstance(exc, root):
            return status
    return 400  # a deliberate error with no more precise root: the request cannot be served


def trace_id_of(scope: dict[str, Any]) -> str | None:
    state = scope.get("state")
    return state.get("trace_id") if isinstance(state, dict) else None


def error_response(body: ErrorBody, headers: Iterable[tuple[str, str]] = ()) -> Response:
    response = Response(body.to_json(), status_code=body.status, media_type="application/json")
    for name, value in headers:
        response.headers[name] = value
    return response


async def send_error(send: Send, body: ErrorBody, headers: Sequence[tuple[str, str]] = ()) -> None:
    """Send an error from pure ASGI middleware (before any app code ran)."""
    payload = body.to_json()
    raw_headers = [
        (b"content-type", JSON_CONTENT_TYPE),
        (b"content-length", str(len(payload)).encode()),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers),
    ]
    await send({"type": "http.response.start", "status": body.status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


def headers_for(exc: GeniusError) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int | float):
        headers.append(("Retry-After", str(max(1, int(-(-retry_after // 1))))))
    if isinstance(exc, AuthenticationFailed):
        # RFC 6750 §3: a refused bearer token is answered with the challenge and its reason.
        headers.append(("WWW-Authenticate", f'Bearer error="invalid_token", error_description="{exc.code}"'))
    return headers


def genius_error_body(exc: GeniusError, trace_id: str | None) -> ErrorBody:
    return ErrorBody(status_for(exc), exc.code, exc.message, exc.details, trace_id)


def field_path(loc: Sequence[Any]) -> str:
    """Pydantic's ``("body", "lines", 0, "quantity")`` as ``body.lines[0].quantity``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def validation_body(exc: RequestValidationError, trace_id: str | None) -> ErrorBody:
    errors = list(exc.errors())
    for error in errors:
        if error.get("type") == "json_invalid":
            ctx = error.get("ctx") or {}
            loc = error.get("loc") or ()
            position = loc[1] if len(loc) > 1 else None
            reason = ctx.get("error", "JSON decode error")
            where = f" at character {position}" if position is not None else ""
            message = f"the request body is not valid JSON: {reason}{where}"
            return ErrorBody(
                400,
                "malformed_json",
                message,
                [{"field": "body", "code": "json_invalid", "message": message}],
                trace_id,
            )
    details = [
        {
            "field": field_path(error.get("loc") or ()),
            "code": str(error.get("type", "invalid")),
            "message": str(error.get("msg", "invalid value")),
        }
        for error in errors
    ]
    first = details[0] if details else {"field": "request", "message": "invalid"}
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return ErrorBody(
        422, "validation_error", f"{first['field']}: {first['message']}{more}", details, trace_id
    )


def http_exception_body(request: Request, exc: StarletteHTTPException) -> ErrorBody:
    status = exc.status_code
    default_phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    detail = exc.detail if isinstance(exc.detail, str) else None
    custom = detail is not None and detail != default_phrase
    details: Any = None if isinstance(exc.detail, str) else exc.detail
    if status == 404 and not custom:
        message = f"no route matches {request.method} {request.url.path}"
    elif status == 405:
        allowed = [m.strip() for m in (exc.headers or {}).get("Allow", "").split(",") if m.strip()]
        message = f"method {request.method} is not allowed on {request.url.path}"
        details = {"allowed": allowed}
    else:
        message = detail or default_phrase or "error"
    return ErrorBody(
        status, CODE_BY_STATUS.get(status, f"http_{status}"), message, details, trace_id_of(request.scope)
    )


async def _on_genius_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GeniusError)
    body = genius_error_body(exc, trace_id_of(request.scope))
    if isinstance(exc, NoTenantContext) and request.scope.get("state", {}).get("tenant_context") is None:
        # Tenant data was asked for without a token: the caller has to authenticate first.
        body = ErrorBody(
            401, "authentication_required", "this route needs a bearer token", None, body.trace_id
        )
        return error_response(body, [("WWW-Authenticate", "Bearer")])
    return error_response(body, headers_for(exc))


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(validation_body(exc, trace_id_of(request.scope)))


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = list((exc.headers or {}).items())
    return error_response(http_exception_body(request, exc), headers)


def install_error_handlers(app: FastAPI) -> None:
    """Every handled error leaves in the error shape; unhandled ones become a 500 in the trace
    middleware (logged with the trace id, no stack trace in the response)."""
    app.add_exception_handler(GeniusError, _on_genius_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
