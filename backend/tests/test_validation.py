"""Bad input: 400 with per-field errors in the problem body (never FastAPI's default 422), nothing stored."""

from typing import Any

import httpx
import pytest

req = pytest.mark.req

JSON = {"Content-Type": "application/json"}


def assert_bad_request(response: httpx.Response, field: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["title"] == "Bad Request"
    assert body["status"] == 400
    assert field in {error["field"] for error in body["errors"]}, body
    assert all(error["message"] for error in body["errors"])
    return body


@req("FR-013", "FR-014", "C-ERR-2")
@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"title": "unterminated', "body"),
        (b"", "body"),
        (b"[]", "body"),
        (b'[{"title": "x"}]', "body"),
        (b'"a string"', "body"),
        (b"42", "body"),
        (b"null", "body"),
    ],
    ids=["malformed", "empty", "empty-array", "array", "string", "number", "null"],
)
def test_bodies_that_are_not_a_json_object_are_400(
    client: httpx.Client, user: str, auth: dict[str, str], raw: bytes, field: str
) -> None:
    response = client.post(f"/api/{user}/tasks", content=raw, headers=auth | JSON)
    assert_bad_request(response, field)
    assert client.get(f"/api/{user}/tasks", headers=auth).json() == []


@req("FR-013", "FR-014", "C-ERR-2", "C-TASK-2")
@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "title", "is required"),
        ({"description": "no title"}, "title", "is required"),
        ({"title": ""}, "title", "must not be empty"),
        ({"title": "   "}, "title", "must not be empty"),
        ({"title": "t" * 201}, "title", "must be at most 200 characters"),
        ({"title": "ok", "description": "d" * 1001}, "description", "must be at most 1000 characters"),
        ({"title": 42}, "title", "must be a string"),
        ({"title": ["x"]}, "title", "must be a string"),
        ({"title": None}, "title", "must be a string"),
        ({"title": "ok", "description": 7}, "description", "must be a string"),
        ({"title": "ok", "completed": "true"}, "completed", "must be true or false"),
        ({"title": "ok", "completed": 1}, "completed", "must be true or false"),
        ({"title": "nul\u0000byte"}, "title", "must not contain NUL characters"),
        ({"title": "ok", "description": "\u0000"}, "description", "must not contain NUL characters"),
    ],
)
def test_invalid_fields_on_create_are_400_with_the_field_named(
    client: httpx.Client, user: str, auth: dict[str, str], body: dict[str, Any], field: str, message: str
) -> None:
    problem = assert_bad_request(client.post(f"/api/{user}/tasks", json=body, headers=auth), field)
    assert {"field": field, "message": message} in [
        {"field": e["field"], "message": e["message"]} for e in problem["errors"]
    ]
    assert problem["code"] == f"{problem['errors'][0]['field']}_{problem['errors'][0]['code']}"
    assert field in problem["detail"]
    assert client.get(f"/api/{user}/tasks", headers=auth).json() == []


@req("C-ERR-2", "C-TASK-2")
def test_a_lone_surrogate_escape_is_400_not_a_database_error(
    client: httpx.Client, user: str, auth: dict[str, str]
) -> None:
    raw = b'{"title": "lone \\ud800 surrogate"}'  # valid JSON syntax, not valid Unicode text
    problem = assert_bad_request(client.post(f"/api/{user}/tasks", content=raw, headers=auth | JSON), "title")
    assert {"field": "title", "code": "invalid_characters", "message": "must be valid Unicode text"} in problem[
        "errors"
    ]


@req("FR-013", "C-ERR-2")
def test_several_errors_are_reported_together(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    body = {"title": "", "description": "d" * 1001, "completed": "no"}
    problem = assert_bad_request(client.post(f"/api/{user}/tasks", json=body, headers=auth), "title")
    assert {e["field"] for e in problem["errors"]} == {"title", "description", "completed"}


@req("FR-009", "C-TASK-4", "C-ERR-2")
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"unknown": 1}, "body"),
        ({"title": None}, "title"),
        ({"completed": None}, "completed"),
        ({"title": "  "}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"description": "d" * 1001}, "description"),
        ({"completed": "yes"}, "completed"),
        ({"description": "a\u0000b"}, "description"),
    ],
)
def test_invalid_updates_are_400_and_change_nothing(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any, body: dict[str, Any], field: str
) -> None:
    task = create_task(user, title="original", description="kept")
    assert_bad_request(client.put(f"/api/{user}/tasks/{task['id']}", json=body, headers=auth), field)
    assert client.get(f"/api/{user}/tasks/{task['id']}", headers=auth).json() == task


@req("FR-011", "C-TASK-5", "C-ERR-2", "SDK-2")
@pytest.mark.parametrize(
    "raw", [b'{"completed": "yes"}', b'{"completed": null}', b"[true]", b"{bad json", b"null", b" null "]
)
def test_invalid_completion_bodies_are_400(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any, raw: bytes
) -> None:
    task = create_task(user)
    response = client.patch(f"/api/{user}/tasks/{task['id']}/complete", content=raw, headers=auth | JSON)
    assert response.status_code == 400, response.text
    assert response.json()["errors"]
    assert client.get(f"/api/{user}/tasks/{task['id']}", headers=auth).json()["completed"] is False


@req("C-ERR-5")
def test_an_oversized_body_is_413(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    huge = b'{"title": "' + b"x" * 70_000 + b'"}'
    declared = client.post(f"/api/{user}/tasks", content=huge, headers=auth | JSON)

    def chunks() -> Any:
        yield huge[:40_000]
        yield huge[40_000:]

    streamed = client.post(f"/api/{user}/tasks", content=chunks(), headers=auth | JSON)

    for response in (declared, streamed):
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 413
