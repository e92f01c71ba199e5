"""What the task routes declare to the OpenAPI document besides their models: the response headers they send and
the safe-retry answers (304/409/412/422) they can give. Data for the route decorators; app.docs adds the rest."""

from typing import Any

from app.core.errors import Problem

_ETAG_PATTERN = r'^(W/)?"[\x21\x23-\x7e]*"$'
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The current version of the task (of the whole list, on the list). Send it back as "
        "`If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).",
        "required": True,
        "schema": {"type": "string", "pattern": _ETAG_PATTERN},
        "example": '"17.1"',
    },
    "Location": {
        "description": "The new task's URL (a path on this server).",
        "required": True,
        "schema": {"type": "string"},
        "example": "/api/alice/tasks/17",
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.",
        "required": False,
        "schema": {"type": "string", "enum": ["true"]},
        "example": "true",
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
        "example": 2,
    },
    "X-Request-ID": {
        "description": "This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is "
        "1-128 characters of letters, digits and `._:-`; otherwise a new one.",
        "required": True,
        "schema": {"type": "string"},
        "example": "3f2b7c9e8a1d4f60",
    },
    "WWW-Authenticate": {
        "description": 'The Bearer challenge (RFC 6750): `Bearer`, with `error="invalid_token"` when a token was sent.',
        "required": True,
        "schema": {"type": "string"},
        "example": 'Bearer error="invalid_token", error_description="The token has expired."',
    },
}


def header(name: str) -> dict[str, Any]:
    """A response header, written out where it is used: openapi-typescript makes every header given by `$ref`
    required, so a reference would lose `Idempotent-Replayed`'s being optional."""
    return dict(HEADERS[name])


_ETAG = header("ETag")
_CONDITIONAL: dict[int, dict[str, Any]] = {
    304: {
        "description": "Not Modified: If-None-Match matched the current version (no body)",
        "headers": {"ETag": _ETAG},
    },
    409: {
        "model": Problem,
        "description": "A request with this Idempotency-Key is still running; retry after `Retry-After` seconds",
        "headers": {"Retry-After": header("Retry-After")},
    },
    412: {
        "model": Problem,
        "description": "If-Match named no current version of the task: nothing was changed",
        "headers": {"ETag": _ETAG},
    },
    422: {"model": Problem, "description": "This Idempotency-Key was already used for a different request"},
}


def documents_header(header: dict[str, str]) -> dict[str, Any]:
    """`openapi_extra` for a route whose dependency reads an optional header itself (app.tasks.preconditions): the
    parameter FastAPI would have written for it."""
    schema = {"type": "string", "title": header["name"], "description": header["description"]}
    schema["pattern"] = header["pattern"]  # a value outside it is a 400 (app.tasks.preconditions.parse)
    parameter = {"name": header["name"], "in": "header", "required": False, "description": header["description"]}
    return {"parameters": [parameter | {"schema": schema}]}


def conditional_responses(*statuses: int, created: bool = False) -> dict[int | str, dict[str, Any]]:
    """The safe-retry answers a route can give (304/409/412/422), and the headers of its success response."""
    headers = {"ETag": _ETAG}
    if created:
        headers["Location"] = header("Location")
    if 409 in statuses:
        headers["Idempotent-Replayed"] = header("Idempotent-Replayed")
    success: dict[int | str, dict[str, Any]] = {201 if created else 200: {"headers": headers}}
    return success | {status: _CONDITIONAL[status] for status in statuses}
