"""The OpenAPI document, adjusted to what the service really answers.

FastAPI documents a 422 for every route with a body or parameters, and puts error models under
`application/json`. This service answers 400 instead, always as `application/problem+json`.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.errors import PROBLEM_MEDIA_TYPE, Problem
from app.models import DESCRIPTION_MAX, TITLE_MAX


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            for operations in schema["paths"].values():
                for operation in operations.values():
                    _rewrite_errors(operation["responses"])
                    _headers_are_never_null(operation.get("parameters", []))
            _match_the_validators(schema["components"]["schemas"])
            schema["components"]["schemas"].pop("HTTPValidationError", None)
            schema["components"]["schemas"].pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


_ETAG = _header("The task's current version (for a list: the whole list's); send it back in If-Match/If-None-Match.")
_CONDITIONAL: dict[int, dict[str, Any]] = {
    304: {
        "description": "Not Modified: If-None-Match matched the current version (no body)",
        "headers": {"ETag": _ETAG},
    },
    409: {
        "model": Problem,
        "description": "A request with this Idempotency-Key is still running; retry after `Retry-After` seconds",
        "headers": {"Retry-After": _header("Seconds to wait before repeating the request.")},
    },
    412: {
        "model": Problem,
        "description": "If-Match named no current version of the task: nothing was changed",
        "headers": {"ETag": _ETAG},
    },
    422: {"model": Problem, "description": "This Idempotency-Key was already used for a different request"},
}


def conditional_responses(*statuses: int, created: bool = False) -> dict[int | str, dict[str, Any]]:
    """The safe-retry answers a route can give (304/409/412/422), and the headers of its success response."""
    headers = {"ETag": _ETAG}
    if created:
        headers["Location"] = _header("The new task's URL.")
    if 409 in statuses:
        headers["Idempotent-Replayed"] = _header("`true` when this is the stored answer to an earlier request.")
    success: dict[int | str, dict[str, Any]] = {201 if created else 200: {"headers": headers}}
    return success | {status: _CONDITIONAL[status] for status in statuses}


def _headers_are_never_null(parameters: list[dict[str, Any]]) -> None:
    # An optional header is absent or a string; pydantic's `str | None` would add a `null` no client can send.
    for parameter in parameters:
        schema = parameter["schema"]
        if parameter["in"] == "header" and "anyOf" in schema:
            (string,) = [branch for branch in schema.pop("anyOf") if branch.get("type") != "null"]
            schema.update(string)


def _rewrite_errors(responses: dict[str, Any]) -> None:
    if "HTTPValidationError" in str(responses.get("422")):  # FastAPI's own: this service answers 400 instead
        del responses["422"]
    for status, response in responses.items():
        content = response.get("content", {})
        if status.startswith(("4", "5")) and "application/json" in content:
            response["content"] = {PROBLEM_MEDIA_TYPE: content["application/json"]}


# What pydantic-core strips from a title (Rust's `str::trim`: the Unicode White_Space set). Python's `str.isspace`
# would also include U+001C..U+001F, which the service keeps.
_WS = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# 1-200 characters once surrounding whitespace is trimmed, and no NUL anywhere (PostgreSQL text cannot hold it).
TITLE_PATTERN = rf"^[{_WS}]*[^{_WS}\x00](?:[^\x00]{{0,{TITLE_MAX - 2}}}[^{_WS}\x00])?[{_WS}]*$"
NO_NUL_PATTERN = r"^[^\x00]*$"


def _match_the_validators(schemas: dict[str, Any]) -> None:
    """Say in the document what the input validators enforce, so that every body it allows is accepted and every
    body it forbids is refused.

    - `title` is trimmed before its length is checked: raw minLength/maxLength would refuse " a" padded past 200
      characters (which the service accepts), and allow "   " (which it refuses). A pattern says it exactly.
    - NUL characters are refused in `title` and `description`.
    - pydantic renders `X | None = None` as nullable, but only `description` may be null in a PUT, and `completed`
      may never be null in a PATCH; a PUT must name at least one editable field.
    """
    title = {
        "type": "string",
        "pattern": TITLE_PATTERN,
        "title": "Title",
        "description": f"1-{TITLE_MAX} characters once surrounding whitespace is trimmed (stored trimmed); no NUL.",
    }
    description = {"type": "string", "maxLength": DESCRIPTION_MAX, "pattern": NO_NUL_PATTERN}
    completed = {"type": "boolean", "title": "Completed"}
    for name in ("TaskCreate", "TaskUpdate"):
        properties = schemas[name]["properties"]
        properties["title"] = dict(title)
        properties["description"] = {"anyOf": [description, {"type": "null"}], "title": "Description"}
    schemas["TaskUpdate"]["properties"]["completed"] = dict(completed)
    schemas["TaskUpdate"]["anyOf"] = [{"required": [name]} for name in ("title", "description", "completed")]
    schemas["CompletionUpdate"]["properties"]["completed"] = dict(completed)
