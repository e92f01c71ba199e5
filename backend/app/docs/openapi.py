"""The OpenAPI document, adjusted to what the service really answers.

FastAPI documents a 422 for every route with a body or parameters, and puts error models under
`application/json`. This service answers 400 instead, always as `application/problem+json`.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.core.errors import PROBLEM_MEDIA_TYPE, Problem
from app.docs.clients import describe_for_clients, header
from app.tasks.models import DESCRIPTION_MAX, TITLE_MAX
from app.tasks.preconditions import HEADER_PATTERN


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
                    _document_media_type_errors(operation)
                    _document_header_limit(operation)
                    _headers_are_never_null(operation.get("parameters", []))
                    _optional_bodies_are_plain_references(operation)
            _match_the_validators(schema["components"]["schemas"])
            describe_for_clients(schema, app.state.settings)
            schema["components"]["schemas"].pop("HTTPValidationError", None)
            schema["components"]["schemas"].pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it


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

IF_MATCH = (
    "If-Match",
    "Change only if the task's current ETag is one of these (or `*`: if it exists); "
    "otherwise 412 with the current ETag, and nothing changes.",
)
IF_NONE_MATCH = (
    "If-None-Match",
    "Answer 304 (no body) when the current ETag is one of these (weak comparison), or `*`.",
)


def reads_header(header: tuple[str, str]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads an optional header itself (app.tasks.preconditions), as FastAPI would have
    documented it as a parameter."""
    name, description = header
    schema = {"type": "string", "title": name, "description": description}
    if name in ("If-Match", "If-None-Match"):
        schema["pattern"] = HEADER_PATTERN  # a value outside it is a 400 (app.tasks.preconditions.parse)
    return {
        "parameters": [{"name": name, "in": "header", "required": False, "description": description, "schema": schema}]
    }


def conditional_responses(*statuses: int, created: bool = False) -> dict[int | str, dict[str, Any]]:
    """The safe-retry answers a route can give (304/409/412/422), and the headers of its success response."""
    headers = {"ETag": _ETAG}
    if created:
        headers["Location"] = header("Location")
    if 409 in statuses:
        headers["Idempotent-Replayed"] = header("Idempotent-Replayed")
    success: dict[int | str, dict[str, Any]] = {201 if created else 200: {"headers": headers}}
    return success | {status: _CONDITIONAL[status] for status in statuses}


def _headers_are_never_null(parameters: list[dict[str, Any]]) -> None:
    # An optional header is absent or a string; pydantic's `str | None` would add a `null` no client can send.
    for parameter in parameters:
        schema = parameter["schema"]
        if parameter["in"] == "header" and "anyOf" in schema:
            (string,) = [branch for branch in schema.pop("anyOf") if branch.get("type") != "null"]
            schema.update(string)


def _optional_bodies_are_plain_references(operation: dict[str, Any]) -> None:
    # `CompletionUpdate | None` renders as an inline `anyOf [$ref, null]` titled "Body", which generators turn into
    # an anonymous union (and one sends its "unset" marker as JSON). An optional body is one that may be absent:
    # a plain reference with `required: false` says exactly that (a JSON `null` body is a 400, like any non-object).
    body = operation.get("requestBody")
    if body is None or body.get("required"):
        return
    for media in body["content"].values():
        branches = media["schema"].get("anyOf", [])
        (reference,) = [branch for branch in branches if branch.get("type") != "null"] or [media["schema"]]
        media["schema"] = reference


def _rewrite_errors(responses: dict[str, Any]) -> None:
    if "HTTPValidationError" in str(responses.get("422")):  # FastAPI's own: this service answers 400 instead
        del responses["422"]
    for status, response in responses.items():
        content = response.get("content", {})
        if status.startswith(("4", "5")) and "application/json" in content:
            response["content"] = {PROBLEM_MEDIA_TYPE: content["application/json"]}


def _document_media_type_errors(operation: dict[str, Any]) -> None:
    """A route that reads a body answers 415 to one sent without `Content-Type: application/json` (app.core.errors)."""
    if "requestBody" in operation:
        operation["responses"]["415"] = {
            "description": "A body sent without `Content-Type: application/json`",
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }


def _document_header_limit(operation: dict[str, Any]) -> None:
    """Any request whose line and headers pass MAX_HEADER_BYTES is a 431 (app.http.header_limit), on every route."""
    operation["responses"]["431"] = {
        "description": "The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default)",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


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
      may never be null in a PATCH.
    - A PUT must name at least one editable field (unknown ones are ignored and do not count). Said without a
      top-level `anyOf`, which generators cannot turn into a model: `minProperties: 1` for them and for readers,
      and `not: {properties: {each: {not: {}}}}` ("not: none of them present"; `{not: {}}` is the
      schema nothing matches, as `false` is not understood by every generator) to make it exact for validators.
    - Defaults are the server's business: a `default` in a request schema makes openapi-typescript require the
      field, so it is stated in words instead.
    """
    title = {
        "type": "string",
        "pattern": TITLE_PATTERN,
        "title": "Title",
        "description": f"1-{TITLE_MAX} characters once surrounding whitespace is trimmed (stored trimmed); no NUL.",
    }
    text = {"type": "string", "maxLength": DESCRIPTION_MAX, "pattern": NO_NUL_PATTERN}
    description = {"anyOf": [text, {"type": "null"}], "title": "Description"}
    completed = {"type": "boolean", "title": "Completed"}
    schemas["TaskCreate"]["properties"] |= {
        "title": title,
        "description": description | {"description": f"Up to {DESCRIPTION_MAX} characters; null when not sent."},
        "completed": completed | {"description": "False when not sent."},
    }
    editable = ("title", "description", "completed")
    update = schemas["TaskUpdate"]
    update["properties"] |= {
        "title": title,
        "description": description | {"description": f"Up to {DESCRIPTION_MAX} characters; null clears it."},
        "completed": completed,
    }
    update["description"] += " At least one of title, description and completed must be sent."
    update["minProperties"] = 1
    update["not"] = {"properties": {name: {"not": {}} for name in editable}}  # {"not": {}}: nothing is valid
    schemas["CompletionUpdate"]["properties"]["completed"] = completed | {"description": "The value to set."}
