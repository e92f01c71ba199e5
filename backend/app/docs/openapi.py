"""The OpenAPI document, adjusted to what the service really answers.

The schemas come from the models themselves (app.tasks.models). What is adjusted here is FastAPI's framing:
it documents a 422 for every route with a body or parameters, and puts error models under `application/json`;
this service answers 400 instead, always as `application/problem+json`.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.core.errors import PROBLEM_CODES, PROBLEM_MEDIA_TYPE
from app.core.field_errors import FIELD_CODES
from app.docs.clients import describe_for_clients
from app.tasks.models import CompletionUpdate, TaskCreate, TaskUpdate


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
            schema["components"]["schemas"]["Problem"]["properties"]["code"]["enum"] = problem_codes()
            describe_for_clients(schema, app.state.settings)
            schema["components"]["schemas"].pop("HTTPValidationError", None)
            schema["components"]["schemas"].pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it


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


def problem_codes() -> list[str]:
    """Every `code` a problem body can carry: the fixed ones, and `<field>_<reason>` for each field of a request
    body (and `body` itself) with each reason a field can fail for."""
    fields = sorted({*TaskCreate.model_fields, *TaskUpdate.model_fields, *CompletionUpdate.model_fields, "body"})
    return [*PROBLEM_CODES, *(f"{field}_{reason}" for field in fields for reason in FIELD_CODES)]


def _document_header_limit(operation: dict[str, Any]) -> None:
    """Any request whose line and headers pass MAX_HEADER_BYTES is a 431 (app.http.header_limit), on every route."""
    operation["responses"]["431"] = {
        "description": "The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default)",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
