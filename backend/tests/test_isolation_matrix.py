"""The isolation matrix (OWASP API1, BOLA): for every route, user B aims at user A's data by A's path user id
and by A's task ids under B's own path. Every attempt is refused as the contract says, and A's rows are
byte-for-byte what they were (read straight from PostgreSQL, timestamps included)."""

from typing import Any

import httpx
import psycopg
import pytest

from app.core.settings import libpq_url
from tests.helpers import bearer, make_token

req = pytest.mark.req


def _rows(database_url: str, owner: str) -> list[tuple[Any, ...]]:
    conninfo = libpq_url(database_url)
    with psycopg.connect(conninfo) as connection:  # the administrator: sees every row, RLS aside
        return connection.execute("SELECT * FROM tasks WHERE user_id = %s ORDER BY id", (owner,)).fetchall()


def _attempts(a: str, b: str, task: int) -> list[tuple[str, str, dict[str, Any] | None, int]]:
    """(method, path, body, expected status) for every route and both ways of aiming at A's data."""
    by_path = [
        ("GET", f"/api/{a}/tasks", None),
        ("POST", f"/api/{a}/tasks", {"title": "planted by B"}),
        ("GET", f"/api/{a}/tasks/{task}", None),
        ("PUT", f"/api/{a}/tasks/{task}", {"title": "changed by B"}),
        ("DELETE", f"/api/{a}/tasks/{task}", None),
        ("PATCH", f"/api/{a}/tasks/{task}/complete", None),
        ("PATCH", f"/api/{a}/tasks/{task}/complete", {"completed": True}),
    ]
    by_task_id = [
        ("GET", f"/api/{b}/tasks/{task}", None),
        ("PUT", f"/api/{b}/tasks/{task}", {"title": "changed by B"}),
        ("PUT", f"/api/{b}/tasks/{task}", {"description": None}),
        ("DELETE", f"/api/{b}/tasks/{task}", None),
        ("PATCH", f"/api/{b}/tasks/{task}/complete", None),
        ("PATCH", f"/api/{b}/tasks/{task}/complete", {"completed": True}),
    ]
    return [(m, p, body, 403) for m, p, body in by_path] + [(m, p, body, 404) for m, p, body in by_task_id]


@req("FR-005", "SC-003", "C-AUTH-7", "C-TASK-6")
def test_user_b_cannot_read_or_change_anything_of_user_a(
    client: httpx.Client, database_url: str, user: str, create_task: Any
) -> None:
    a, b = f"{user}-a", f"{user}-b"
    tasks = [create_task(a, title="A's first", description="private"), create_task(a, title="A's second")]
    create_task(b, title="B's own")
    before = _rows(database_url, a)
    b_headers = bearer(make_token(b))
    checks = 0

    for task in tasks:
        for method, path, body, expected in _attempts(a, b, task["id"]):
            response = client.request(method, path, json=body, headers=b_headers)
            assert response.status_code == expected, (method, path, body, response.text)
            assert "private" not in response.text
            assert "A's" not in response.text
            checks += 1
    b_list = client.get(f"/api/{b}/tasks", headers=b_headers).json()
    created = client.post(f"/api/{b}/tasks", json={"title": "B again"}, headers=b_headers).json()

    assert _rows(database_url, a) == before  # byte for byte, updated_at included
    assert [t["title"] for t in b_list] == ["B's own"]
    assert created["user_id"] == b
    assert checks == 26
