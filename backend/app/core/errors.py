"""RFC 9457 problem responses: one builder (`problem_response`), the stable problem codes, and every exception
handler of the app in one place. Imports nothing of the app: everything else may raise what is defined here."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Literal, get_args

from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.field_errors import FieldCode, field_error

logger = logging.getLogger("app.core.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"

# Added to every response that does not set its own (app.http.hardening); also here, because the 500 handler's
# response is sent outside the middleware stack.
SECURITY_HEADERS: dict[str, str] = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}

# The machine-readable name of every problem the API answers with (`code`), besides invalid input's
# `<field>_<reason>`: clients branch on these, never on `detail`'s words. docs/api.md explains each; the OpenAPI
# document lists them (app.docs.openapi; a test keeps all three in step).
ProblemCode = Literal[
    "invalid_input",
    "invalid_header",
    "token_missing",
    "token_invalid",
    "token_expired",
    "wrong_user",
    "task_not_found",
    "not_found",
    "method_not_allowed",
    "body_timeout",
    "request_in_progress",
    "stale_version",
    "body_too_large",
    "headers_too_large",
    "unsupported_media_type",
    "idempotency_key_reused",
    "rate_limited",
    "internal_error",
    "database_unavailable",
    "keys_unavailable",
    "shutting_down",
]
PROBLEM_CODES: tuple[str, ...] = get_args(ProblemCode)

# The code of a problem raised without one (Starlette's own 404/405, the body limits' HTTPExceptions).
_CODE_BY_STATUS: dict[int, ProblemCode] = {
    400: "invalid_input",
    401: "token_invalid",
    403: "wrong_user",
    404: "not_found",
    405: "method_not_allowed",
    408: "body_timeout",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal_error",
    503: "database_unavailable",
}


class ApiError(Exception):
    """An expected failure that becomes a problem response (raised by routes and dependencies)."""

    def __init__(
        self, status: int, detail: str, headers: Mapping[str, str] | None = None, *, code: ProblemCode | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers
        self.code: ProblemCode = code or _CODE_BY_STATUS.get(status, "internal_error")


class DatabaseUnavailableError(Exception):
    """The database cannot answer right now (down, unreachable, past DB_TIMEOUT_SECONDS): a 503 with Retry-After."""

    def __init__(self, reason: str, retry_after_seconds: int) -> None:
        super().__init__(reason)
        self.retry_after_seconds = retry_after_seconds


class RateLimitedError(Exception):
    """The caller used up RATE_LIMIT_PER_MINUTE: a 429 with Retry-After."""

    def __init__(self, limit_per_minute: int, retry_after_seconds: int) -> None:
        super().__init__("rate limit exceeded")
        self.limit_per_minute = limit_per_minute
        self.retry_after_seconds = retry_after_seconds


def _undocumented_when_absent(schema: dict[str, Any]) -> None:
    # An absent member is absent, never null: with SkipJsonSchema (no `null` branch) and no `default: null`,
    # generated clients type it as optional rather than nullable (or, for openapi-typescript, required).
    schema.pop("default", None)


class FieldError(BaseModel):
    """One invalid field of a 400."""

    field: str = Field(description="The field's name (`body` for the body as a whole, e.g. malformed JSON).")
    code: FieldCode = Field(description="What is wrong with it, as a stable name (docs/api.md).")
    message: str = Field(description="What is wrong with it, for a developer.")


class Problem(BaseModel):
    """RFC 9457 problem details: the body of every error response."""

    # Documentation only: problem_response() builds the bodies.
    type: str = Field(description="A URI for the kind of problem; `about:blank` means: see `title` and `status`.")
    title: str = Field(description="The HTTP status phrase, e.g. `Not Found`.")
    status: int = Field(description="The HTTP status code, repeated.")
    code: str = Field(
        description="What went wrong, as a stable name to branch on (docs/api.md lists them all); for invalid input "
        "`<field>_<reason>` of the first invalid field, e.g. `title_too_long`.",
    )
    detail: str = Field(description="What went wrong with this request, in words.")
    instance: str = Field(description="The path of the request that failed.")
    errors: list[FieldError] | SkipJsonSchema[None] = Field(
        default=None,
        description="Only on a 400 for invalid input: one entry per invalid field.",
        json_schema_extra=_undocumented_when_absent,
    )
    request_id: str | SkipJsonSchema[None] = Field(
        default=None,
        description="Only on a 500: quote it when reporting the failure (also sent as `X-Request-ID`).",
        json_schema_extra=_undocumented_when_absent,
    )


def _documented(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


# What every task route can answer besides success, for the OpenAPI document.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("Malformed JSON, or invalid fields (see `errors`), or a malformed header"),
    401: _documented("Missing, malformed, badly signed or expired token"),
    403: _documented("The path's user id is not the token's"),
    404: _documented("No such task for this user (or an id that cannot exist)"),
    413: _documented("Request body too large"),
    429: _documented("Too many requests for this user (when RATE_LIMIT_PER_MINUTE is set); see `Retry-After`"),
    500: _documented("Unexpected failure (carries a request id)"),
    503: _documented("Database unavailable; retry after `Retry-After` seconds"),
}


def problem_body(status: int, code: str, detail: str, instance: str, **extra: Any) -> dict[str, Any]:
    """The one shape of every error body (also written by the ASGI layers that answer before any route)."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "code": code}
    return body | {"detail": detail, "instance": instance} | {k: v for k, v in extra.items() if v is not None}


def problem_response(
    request: Request,
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = problem_body(status, code, detail, request.url.path, **extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if isinstance(exc.body, bytes) and exc.body:
        # FastAPI parses a body as JSON only when Content-Type says so, and hands it on as raw bytes otherwise. Such
        # a body may be perfectly good JSON: say what is missing instead of "body must be a JSON object".
        sent = request.headers.get("content-type")
        return problem_response(
            request,
            415,
            "unsupported_media_type",
            "Send the body as JSON, with the header Content-Type: application/json"
            + (f" (this request says {sent[:100]!r})." if sent else " (this request has no Content-Type)."),
        )
    errors = [field_error(e) for e in exc.errors()]
    # The first invalid field names the problem (`title_too_long`); a header parameter (Idempotency-Key) that fails
    # its rules is a malformed header.
    header = any(e["loc"][0] == "header" for e in exc.errors())
    code = "invalid_header" if header else f"{errors[0]['field']}_{errors[0]['code']}"
    summary = "; ".join(f"{e['field']} {e['message']}" for e in errors)
    return problem_response(request, 400, code, f"The request is invalid: {summary}.", errors=errors)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem_response(request, exc.status, exc.code, exc.detail, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's own 404 (no route) and 405 (wrong method), and the body limits' 408/413, arrive here.
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = _CODE_BY_STATUS.get(status, "internal_error")
    if status == 404:
        return problem_response(request, 404, code, f"There is nothing at {request.url.path}.")
    if status == 405:
        # Starlette's Allow names only the methods of the first route whose path matched; RFC 9110 15.5.6 wants
        # every method the resource supports (GET and POST share a path, as do GET, PUT and DELETE).
        detail = f"{request.method} is not allowed on {request.url.path}."
        return problem_response(request, 405, code, detail, headers={"Allow": _allowed_methods(request)})
    return problem_response(request, status, code, str(exc.detail), headers=exc.headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> str:
    # Asked of the routes through Starlette's public `matches` (FastAPI nests included routers), once per method.
    routes = request.app.router.routes
    allowed = [m for m in _METHODS if any(r.matches({**request.scope, "method": m})[0] is Match.FULL for r in routes)]
    return ", ".join(allowed)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DatabaseUnavailableError)
    logger.warning("database unavailable: %s", exc)
    return problem_response(
        request,
        503,
        "database_unavailable",
        "The database is unavailable right now. Please retry shortly.",
        headers={"Retry-After": str(exc.retry_after_seconds)},
    )


async def _rate_limited(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RateLimitedError)
    return problem_response(
        request,
        429,
        "rate_limited",
        f"Too many requests: at most {exc.limit_per_minute} a minute. Retry in {exc.retry_after_seconds} s.",
        headers={"Retry-After": str(exc.retry_after_seconds)},
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log (tagged with the request id), never to the client. This response is sent
    # outside the middleware stack, so it carries the request id and the security headers itself.
    request_id = correlation_id.get() or ""
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(
        request,
        500,
        "internal_error",
        f"An unexpected error occurred. Quote request id {request_id} when reporting it.",
        headers={"X-Request-ID": request_id, **SECURITY_HEADERS},
        request_id=request_id,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DatabaseUnavailableError, _database_unavailable)
    app.add_exception_handler(RateLimitedError, _rate_limited)
    app.add_exception_handler(Exception, _unexpected_error)
