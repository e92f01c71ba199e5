"""RFC 9457 problem responses: one builder, and every exception handler of the app in one place."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.http.hardening import SECURITY_HEADERS

logger = logging.getLogger("app.core.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ApiError(Exception):
    """An expected failure that becomes a problem response (raised by routes and dependencies)."""

    def __init__(
        self, status: int, detail: str, headers: Mapping[str, str] | None = None, *, code: str | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers
        self.code = code  # the stable, machine-readable name of the problem (docs/api.md lists them)


class DatabaseUnavailableError(Exception):
    """The database cannot answer right now (down, unreachable, past DB_TIMEOUT_SECONDS): a 503 with Retry-After."""


class RateLimitedError(Exception):
    """The caller used up RATE_LIMIT_PER_MINUTE: a 429 with Retry-After."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("rate limit exceeded")
        self.retry_after_seconds = retry_after_seconds


class FieldError(BaseModel):
    """One invalid field of a 400."""

    field: str = Field(description="The field's name (`body` for the body as a whole, e.g. malformed JSON).")
    message: str = Field(description="What is wrong with it, for a developer.")


def _optional(schema: dict[str, Any]) -> None:
    # An absent member is absent, never null: with SkipJsonSchema (no `null` branch) and no `default: null`,
    # generated clients type it as optional rather than nullable (or, for openapi-typescript, required).
    schema.pop("default", None)


class Problem(BaseModel):
    """RFC 9457 problem details: the body of every error response."""

    # Documentation only: problem() builds the bodies.
    type: str = Field(description="A URI for the kind of problem; `about:blank` means: see `title` and `status`.")
    title: str = Field(description="The HTTP status phrase, e.g. `Not Found`.")
    status: int = Field(description="The HTTP status code, repeated.")
    detail: str = Field(description="What went wrong with this request, in words.")
    instance: str = Field(description="The path of the request that failed.")
    errors: list[FieldError] | SkipJsonSchema[None] = Field(
        default=None,
        description="Only on a 400 for invalid input: one entry per invalid field.",
        json_schema_extra=_optional,
    )
    request_id: str | SkipJsonSchema[None] = Field(
        default=None,
        description="Only on a 500: quote it when reporting the failure (also sent as `X-Request-ID`).",
        json_schema_extra=_optional,
    )


def _documented(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


# What every task route can answer besides success, for the OpenAPI document.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("Malformed JSON, or invalid fields (see `errors`)"),
    401: _documented("Missing, malformed, badly signed or expired token"),
    403: _documented("The path's user id is not the token's"),
    404: _documented("No such task for this user (or an id that cannot exist)"),
    413: _documented("Request body too large"),
    429: _documented("Too many requests for this user (when RATE_LIMIT_PER_MINUTE is set); see `Retry-After`"),
    500: _documented("Unexpected failure (carries a request id)"),
    503: _documented("Database unavailable; retry after `Retry-After` seconds"),
}


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


# Pydantic error types rewritten as short messages a client developer can act on.
_MESSAGES = {
    "missing": "is required",
    "string_type": "must be a string",
    "string_unicode": "must be valid Unicode text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "dict_type": "must be a JSON object",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "json_invalid": "is not valid JSON",
    "json_type": "must be a JSON object",
    "string_pattern_mismatch": "may hold only printable ASCII characters (no spaces or control characters)",
}


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    # loc is ("body", "title"), ("body",) or ("body", <char offset>) for malformed JSON.
    names = [str(part) for part in error["loc"][1:] if isinstance(part, str)]
    field = ".".join(names) or str(error["loc"][0])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "string_too_long":
        message = f"must be at most {ctx.get('max_length')} characters"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
    else:
        message = _MESSAGES.get(kind, error["msg"])
    return {"field": field, "message": message}


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if isinstance(exc.body, bytes) and exc.body:
        # FastAPI parses a body as JSON only when Content-Type says so, and hands it on as raw bytes otherwise. Such
        # a body may be perfectly good JSON: say what is missing instead of "body must be a JSON object".
        sent = request.headers.get("content-type")
        return problem(
            request,
            415,
            "Send the body as JSON, with the header Content-Type: application/json"
            + (f" (this request says {sent[:100]!r})." if sent else " (this request has no Content-Type)."),
        )
    errors = [_field_error(e) for e in exc.errors()]
    summary = "; ".join(f"{e['field']} {e['message']}" for e in errors)
    return problem(request, 400, f"The request is invalid: {summary}.", errors=errors)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem(request, exc.status, exc.detail, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's own 404 (no route) and 405 (wrong method) arrive here.
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        detail = f"There is nothing at {request.url.path}."
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
        # Starlette's Allow names only the methods of the first route whose path matched; RFC 9110 15.5.6 wants
        # every method the resource supports (GET and POST share a path, as do GET, PUT and DELETE).
        return problem(request, 405, detail, headers={"Allow": _allowed_methods(request)})
    else:
        detail = str(exc.detail)
    return problem(request, exc.status_code, detail, headers=exc.headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> str:
    # Asked of the routes through Starlette's public `matches` (FastAPI nests included routers), once per method.
    routes = request.app.router.routes
    allowed = [m for m in _METHODS if any(r.matches({**request.scope, "method": m})[0] is Match.FULL for r in routes)]
    return ", ".join(allowed)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("database unavailable: %s", exc)
    retry_after = str(request.app.state.settings.retry_after_seconds)
    return problem(
        request,
        503,
        "The database is unavailable right now. Please retry shortly.",
        headers={"Retry-After": retry_after},
    )


async def _rate_limited(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RateLimitedError)
    limit = request.app.state.settings.rate_limit_per_minute
    return problem(
        request,
        429,
        f"Too many requests: at most {limit} a minute. Retry in {exc.retry_after_seconds} s.",
        headers={"Retry-After": str(exc.retry_after_seconds)},
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log (tagged with the request id), never to the client. This response is sent
    # outside the middleware stack, so it carries the request id and the security headers itself.
    request_id = correlation_id.get() or ""
    logger.exception("unhandled error", exc_info=exc)
    return problem(
        request,
        500,
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
