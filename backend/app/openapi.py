"""The OpenAPI document, adjusted to what the service really answers.

FastAPI documents a 422 for every route with a body or parameters, and puts error models under
`application/json`. This service answers 400 instead, always as `application/problem+json`.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.errors import PROBLEM_MEDIA_TYPE


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
            schema["components"]["schemas"].pop("HTTPValidationError", None)
            schema["components"]["schemas"].pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it


def _rewrite_errors(responses: dict[str, Any]) -> None:
    responses.pop("422", None)
    for status, response in responses.items():
        content = response.get("content", {})
        if status.startswith(("4", "5")) and "application/json" in content:
            response["content"] = {PROBLEM_MEDIA_TYPE: content["application/json"]}
