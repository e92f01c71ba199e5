"""The published contract: /docs and /openapi.json describe every route, its errors and its bearer auth."""

import tomllib
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest

from app.main import create_app
from tests.helpers import make_settings

req = pytest.mark.req


@req("FR-001", "C-ERR-1")
def test_openapi_documents_every_route_with_problem_responses(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]

    assert set(paths) == {
        "/health",
        "/health/ready",
        "/api/{user_id}/tasks",
        "/api/{user_id}/tasks/{id}",
        "/api/{user_id}/tasks/{id}/complete",
    }
    assert set(paths["/api/{user_id}/tasks"]) == {"get", "post"}
    assert set(paths["/api/{user_id}/tasks/{id}"]) == {"get", "put", "delete"}
    assert set(paths["/api/{user_id}/tasks/{id}/complete"]) == {"patch"}
    for path, operations in paths.items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "403", "404"} <= set(responses), (method, path)
            # FastAPI's own 422 is gone (the service answers 400); a 422 left is a reused Idempotency-Key.
            assert "HTTPValidationError" not in str(responses.get("422")), (method, path)
            assert "application/problem+json" in responses["404"]["content"]
            assert operation["security"] == [{"HTTPBearer": []}]
    assert paths["/api/{user_id}/tasks"]["post"]["responses"].keys() >= {"201"}
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


@req("FR-001")
def test_swagger_ui_is_served(client: httpx.Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


@req("RETRY-10")
def test_openapi_describes_the_safe_retry_headers_and_answers(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {  # (path, method): (request headers, answers beyond the success)
        ("/api/{user_id}/tasks", "get"): ({"If-None-Match"}, {"304"}),
        ("/api/{user_id}/tasks", "post"): ({"Idempotency-Key"}, {"409", "422"}),
        ("/api/{user_id}/tasks/{id}", "get"): ({"If-None-Match"}, {"304"}),
        ("/api/{user_id}/tasks/{id}", "put"): ({"If-Match"}, {"412"}),
        ("/api/{user_id}/tasks/{id}", "delete"): ({"If-Match"}, {"412"}),
        ("/api/{user_id}/tasks/{id}/complete", "patch"): ({"If-Match", "Idempotency-Key"}, {"409", "412", "422"}),
    }
    for (path, method), (headers, statuses) in expected.items():
        operation = paths[path][method]
        declared = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert declared == headers, (path, method)
        assert statuses <= set(operation["responses"]), (path, method)
        success = operation["responses"]["201" if method == "post" else "200"]
        assert "ETag" in success["headers"], (path, method)
    key = next(p for p in paths["/api/{user_id}/tasks"]["post"]["parameters"] if p["name"] == "Idempotency-Key")
    assert key["schema"]["type"] == "string"  # never null: a header is a string or absent
    assert key["schema"]["maxLength"] == 255
    assert key["schema"]["pattern"] == "^[\\x21-\\x7e]{1,255}$"


OPERATION_IDS = {"listTasks", "createTask", "getTask", "updateTask", "completeTask", "deleteTask", "health", "ready"}
BEARER: list[dict[str, list[str]]] = [{"HTTPBearer": []}]


def _operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", op) for path, ops in spec["paths"].items() for method, op in ops.items()]


@req("SDK-1")
def test_the_document_names_describes_and_secures_every_operation(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    operations = _operations(spec)
    assert {op["operationId"] for _, op in operations} == OPERATION_IDS
    assert all(op["summary"] and op["description"] for _, op in operations)
    assert {tag["name"]: bool(tag["description"]) for tag in spec["tags"]} == {"tasks": True, "health": True}
    assert {"description", "contact", "license"} <= set(spec["info"])
    assert spec["info"]["license"] == {"name": "MIT", "identifier": "MIT"}  # as LICENSE and pyproject.toml say
    assert spec["servers"] == [{"url": "http://127.0.0.1:8000", "description": "This deployment (setting PUBLIC_URL)"}]
    assert spec["security"] == BEARER  # at the root; the probes switch it off
    security = {where: op["security"] for where, op in operations}
    assert security == {where: [] if "/health" in where else BEARER for where in security}
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["bearerFormat"] == "JWT"


@req("SDK-1")
def test_servers_come_from_the_public_url_setting(app_database_url: str) -> None:
    settings = make_settings(app_database_url, public_url="https://todo.example.org/")
    assert create_app(settings).openapi()["servers"][0]["url"] == "https://todo.example.org"


@req("SDK-2")
def test_bodies_ids_and_problems_are_typed_for_generators(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    # An object with optional fields, which generators turn into a model (a top-level anyOf they cannot).
    update = schemas["TaskUpdate"]
    assert (update["type"], update["minProperties"], "anyOf" in update, "required" in update) == (
        "object",
        1,
        False,
        False,
    )
    assert "At least one of" in update["description"]
    # The PATCH body: a plain reference, not required (an `anyOf [$ref, null]` titled "Body" generates badly).
    complete = spec["paths"]["/api/{user_id}/tasks/{id}/complete"]["patch"]["requestBody"]
    assert (complete.get("required"), complete["content"]["application/json"]["schema"]) == (
        None,
        {"$ref": "#/components/schemas/CompletionUpdate"},
    )
    for where, operation in _operations(spec):
        ids = [
            p["schema"] | {"404": "404" in p["description"]}
            for p in operation.get("parameters", [])
            if p["name"] == "id"
        ]
        integer = {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1, "404": True}
        assert all(id_schema.items() >= integer.items() for id_schema in ids), where
        for status, response in operation["responses"].items():
            for media in response.get("content", {}).values():
                assert list(media["schema"]) == ["$ref"], (where, status)  # named, never "Response List Tasks ..."
    assert spec["paths"]["/api/{user_id}/tasks"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/TaskList"}
    problem = schemas["Problem"]
    assert problem["properties"]["errors"]["type"] == "array"  # not nullable: absent when there are none
    assert "errors" not in problem["required"]
    # No default in a request schema: openapi-typescript would make such a field required.
    assert [name for name in ("TaskCreate", "TaskUpdate", "CompletionUpdate") if "default" in str(schemas[name])] == []


# Headers every answer with this status carries, besides X-Request-ID (every answer has that).
STATUS_HEADERS = {
    "201": {"ETag", "Location"},
    "304": {"ETag"},
    "401": {"WWW-Authenticate"},
    "409": {"Retry-After"},
    "412": {"ETag"},
    "429": {"Retry-After"},
    "503": {"Retry-After"},
}


@req("SDK-3")
def test_every_response_documents_its_headers_and_every_operation_has_examples(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]
    for where, operation in _operations(spec):
        for parameter in operation.get("parameters", []):  # optional headers: on the schema, so Swagger sends none
            assert "example" in parameter or parameter["schema"].get("examples"), (where, parameter["name"])
        if "requestBody" in operation:
            assert operation["requestBody"]["content"]["application/json"]["examples"], where
        for status, response in operation["responses"].items():
            declared = set(response["headers"])
            expected = STATUS_HEADERS.get(status, set()) | {"X-Request-ID"}
            if status == "200" and where.split()[1].startswith("/api/"):
                expected.add("ETag")
            assert expected <= declared, (where, status)
            for media in response.get("content", {}).values():
                validator = jsonschema_rs.Draft202012Validator(media["schema"] | {"components": components})
                assert media["examples"], (where, status)
                for example in media["examples"].values():  # each valid against its own schema
                    assert validator.is_valid(example["value"]), (where, status, example)


@req("SDK-1")
def test_the_licence_is_mit_everywhere_it_is_stated() -> None:
    root = Path(__file__).resolve().parents[2]
    text = (root / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 Todo API contributors" in text
    assert tomllib.loads((root / "backend" / "pyproject.toml").read_text())["project"]["license"] == "MIT"
