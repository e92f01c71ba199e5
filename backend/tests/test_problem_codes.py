"""Every problem carries a stable `code`: the ones the service can answer are the ones docs/api.md and the OpenAPI
document list, and real requests get the code that names what went wrong."""

import re
import uuid
from typing import Any

import httpx
import pytest

from app.core.errors import PROBLEM_CODES
from app.core.field_errors import FIELD_CODES
from app.docs.openapi import problem_codes
from app.ops.startup import BACKEND_DIR
from tests.helpers import bearer, make_token

req = pytest.mark.req

API_DOC = (BACKEND_DIR.parent / "docs" / "api.md").read_text()


@req("C-ERR-6")
def test_every_code_is_documented_in_the_api_doc_and_the_openapi_document(client: httpx.Client) -> None:
    for code in [*PROBLEM_CODES, *FIELD_CODES]:
        assert f"`{code}`" in API_DOC, f"docs/api.md does not explain {code}"
    document = client.get("/openapi.json").json()
    assert document["components"]["schemas"]["Problem"]["properties"]["code"]["enum"] == problem_codes()
    assert document["components"]["schemas"]["FieldError"]["properties"]["code"]["enum"] == list(FIELD_CODES)


@req("C-ERR-6")
def test_every_code_written_in_the_service_is_a_documented_one() -> None:
    written = set()
    for source in (BACKEND_DIR / "app").rglob("*.py"):
        written |= set(re.findall(r'code="([a-z_]+)"', source.read_text()))
    assert written, "no code= found: the scan is broken"
    assert written <= set(PROBLEM_CODES), written - set(PROBLEM_CODES)


def _code(response: httpx.Response) -> str:
    assert response.headers["content-type"] == "application/problem+json", response.text
    body: dict[str, Any] = response.json()
    assert body["code"] in problem_codes()
    return str(body["code"])


@req("C-ERR-6", "C-ERR-1")
def test_real_requests_get_the_code_that_names_the_problem(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any
) -> None:
    tasks = f"/api/{user}/tasks"
    long_title = client.post(tasks, json={"title": "x" * 201}, headers=auth)
    assert _code(long_title) == "title_too_long"
    assert long_title.json()["errors"] == [
        {"field": "title", "code": "too_long", "message": "must be at most 200 characters"}
    ]
    assert _code(client.post(tasks, json={"title": "  "}, headers=auth)) == "title_empty"
    assert _code(client.post(tasks, json={}, headers=auth)) == "title_required"
    assert _code(client.post(tasks, json={"title": "a", "completed": "yes"}, headers=auth)) == "completed_wrong_type"
    assert _code(client.post(tasks, content=b"{", headers=auth | {"content-type": "application/json"})) == (
        "body_invalid_json"
    )
    assert _code(client.post(tasks, content=b"{}", headers=auth)) == "unsupported_media_type"
    task = create_task(user)
    one = f"{tasks}/{task['id']}"
    assert _code(client.put(one, json={}, headers=auth)) == "body_no_fields"
    assert _code(client.put(one, json={"title": None}, headers=auth)) == "title_not_null"
    assert _code(client.put(one, json={"title": "b"}, headers=auth | {"If-Match": '"0.0"'})) == "stale_version"
    assert _code(client.get(f"{tasks}/999999999", headers=auth)) == "task_not_found"
    assert _code(client.get(f"{tasks}/abc", headers=auth)) == "task_not_found"
    assert _code(client.get(tasks)) == "token_missing"
    assert _code(client.get(tasks, headers=bearer(make_token(user, exp=1)))) == "token_expired"
    assert _code(client.get(tasks, headers=bearer(make_token(user, key="another-secret-" * 3)))) == "token_invalid"
    assert _code(client.get("/api/someone-else/tasks", headers=auth)) == "wrong_user"
    assert _code(client.get("/nowhere")) == "not_found"
    assert _code(client.delete(tasks, headers=auth)) == "method_not_allowed"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert client.post(tasks, json={"title": "a"}, headers=auth | key).status_code == 201
    assert _code(client.post(tasks, json={"title": "b"}, headers=auth | key)) == "idempotency_key_reused"
    assert _code(client.post(tasks, json={"title": "a"}, headers=auth | {"Idempotency-Key": "a b"})) == (
        "invalid_header"
    )
    too_big = client.post(
        tasks, content=b"{" + b" " * 70000 + b"}", headers=auth | {"content-type": "application/json"}
    )
    assert _code(too_big) == "body_too_large"
