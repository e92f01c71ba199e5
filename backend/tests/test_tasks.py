"""Every task route's success path, exactly as the contract states it."""

from datetime import datetime
from typing import Any

import httpx
import psycopg
import pytest

from app.core.settings import libpq_url
from tests.helpers import bearer, make_token

req = pytest.mark.req


def _when(timestamp: str) -> datetime:
    # Compared as times, never as text: "...:00Z" sorts after "...:00.000001Z".
    return datetime.fromisoformat(timestamp)


def _is_utc_iso(value: str) -> bool:
    return value.endswith("Z") and datetime.fromisoformat(value).utcoffset() is not None


@req("FR-006", "SC-001", "C-TASK-1", "C-TASK-2", "C-TASK-7")
def test_create_returns_201_the_task_and_its_location(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    response = client.post(
        f"/api/{user}/tasks", json={"title": "  Buy milk  ", "description": "2 litres"}, headers=auth
    )

    assert response.status_code == 201
    task = response.json()
    assert set(task) == {"id", "user_id", "title", "description", "completed", "created_at", "updated_at", "etag"}
    assert task["etag"] == response.headers["ETag"]
    assert isinstance(task["id"], int)
    assert task["user_id"] == user
    assert task["title"] == "Buy milk"  # trimmed
    assert task["description"] == "2 litres"
    assert task["completed"] is False
    assert _is_utc_iso(task["created_at"])
    assert task["updated_at"] == task["created_at"]
    assert response.headers["Location"] == f"/api/{user}/tasks/{task['id']}"
    assert client.get(response.headers["Location"], headers=auth).json() == task


@req("FR-006", "C-TASK-2")
def test_create_defaults_description_to_null_and_accepts_completed(
    client: httpx.Client, user: str, auth: dict[str, str]
) -> None:
    plain = client.post(f"/api/{user}/tasks", json={"title": "t"}, headers=auth).json()
    done = client.post(f"/api/{user}/tasks", json={"title": "t", "completed": True}, headers=auth).json()

    assert plain["description"] is None
    assert plain["completed"] is False
    assert done["completed"] is True


@req("FR-006", "C-TASK-2")
def test_limits_are_inclusive(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    body = {"title": "t" * 200, "description": "d" * 1000}
    response = client.post(f"/api/{user}/tasks", json=body, headers=auth)

    assert response.status_code == 201
    assert len(response.json()["title"]) == 200


@req("C-TASK-3")
def test_read_only_fields_in_the_body_are_ignored(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    sneaky = {
        "title": "mine",
        "id": 1,
        "user_id": "someone-else",
        "created_at": "2000-01-01T00:00:00Z",
        "updated_at": "2000-01-01T00:00:00Z",
    }
    task = client.post(f"/api/{user}/tasks", json=sneaky, headers=auth).json()
    updated = client.put(f"/api/{user}/tasks/{task['id']}", json=sneaky | {"title": "again"}, headers=auth).json()

    for result in (task, updated):
        assert result["user_id"] == user
        assert not result["created_at"].startswith("2000")
        assert not result["updated_at"].startswith("2000")
    assert updated["id"] == task["id"]
    assert client.get("/api/someone-else/tasks", headers=bearer(make_token("someone-else"))).json() == []


@req("FR-007", "SC-001", "C-TASK-7")
def test_list_returns_only_my_tasks_newest_first(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any
) -> None:
    assert client.get(f"/api/{user}/tasks", headers=auth).json() == []
    created = [create_task(user, title=f"task {n}") for n in range(3)]
    create_task("someone-else", title="not mine")

    response = client.get(f"/api/{user}/tasks", headers=auth)

    assert response.status_code == 200
    assert [t["id"] for t in response.json()] == [t["id"] for t in reversed(created)]


@req("FR-007", "C-TASK-7")
def test_the_list_a_get_and_a_change_write_a_task_byte_for_byte_alike(
    client: httpx.Client, database_url: str, user: str, auth: dict[str, str], create_task: Any
) -> None:
    """Every answer carrying a task goes through TaskRead: awkward text and timestamps come out the same way."""
    awkward = ['q"uote \\ back', "ctl \x01\x1f del \x7f", "é ü 😀 </script>", "line\nbreak\ttab"]
    created = [create_task(user, title=title, description=title) for title in awkward]
    created.append(create_task(user, title="no description"))
    whole, fraction = created[0]["id"], created[1]["id"]
    with psycopg.connect(libpq_url(database_url), autocommit=True) as connection:  # times pydantic writes apart
        connection.execute(
            "UPDATE tasks SET created_at = '2026-01-01 00:00:00+00', updated_at = '2026-01-01 00:00:01.12+05'"
            " WHERE id = %s",
            (whole,),
        )
        connection.execute("UPDATE tasks SET updated_at = '2027-06-30 23:59:59.000001+00' WHERE id = %s", (fraction,))

    listed = client.get(f"/api/{user}/tasks", headers=auth)
    read = [client.get(f"/api/{user}/tasks/{task['id']}", headers=auth) for task in listed.json()]
    # Setting the value a task already has changes nothing, and answers with the task as pydantic writes it.
    written = [
        client.patch(f"/api/{user}/tasks/{task['id']}/complete", json={"completed": task["completed"]}, headers=auth)
        for task in listed.json()
    ]

    assert listed.headers["content-type"] == "application/json"
    assert [answer.headers["content-type"] for answer in read] == ["application/json"] * len(read)
    assert [answer.content for answer in read] == [answer.content for answer in written]
    assert listed.content == b"[" + b",".join(answer.content for answer in read) + b"]"
    by_id = {task["id"]: task for task in listed.json()}
    assert by_id[whole]["created_at"] == "2026-01-01T00:00:00Z"
    assert by_id[whole]["updated_at"] == "2025-12-31T19:00:01.120000Z"
    assert by_id[fraction]["updated_at"] == "2027-06-30T23:59:59.000001Z"
    assert {task["title"] for task in by_id.values()} == {*awkward, "no description"}


@req("FR-008", "SC-001")
def test_get_one_task(client: httpx.Client, user: str, auth: dict[str, str], create_task: Any) -> None:
    task = create_task(user, title="read me", description="details")

    response = client.get(f"/api/{user}/tasks/{task['id']}", headers=auth)

    assert response.status_code == 200
    assert response.json() == task


@req("FR-009", "SC-001", "C-TASK-4")
def test_put_changes_only_the_fields_sent_and_moves_updated_at(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any
) -> None:
    task = create_task(user, title="old", description="keep me")

    response = client.put(f"/api/{user}/tasks/{task['id']}", json={"title": " new "}, headers=auth)

    assert response.status_code == 200
    updated = response.json()
    assert updated["title"] == "new"
    assert updated["description"] == "keep me"
    assert updated["completed"] is False
    assert updated["created_at"] == task["created_at"]
    assert _when(updated["updated_at"]) > _when(task["updated_at"])
    assert client.get(f"/api/{user}/tasks/{task['id']}", headers=auth).json() == updated


@req("FR-009", "C-TASK-4")
def test_put_null_description_clears_it_and_completed_can_be_set(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any
) -> None:
    task = create_task(user, description="to clear")

    updated = client.put(
        f"/api/{user}/tasks/{task['id']}", json={"description": None, "completed": True}, headers=auth
    ).json()

    assert updated["description"] is None
    assert updated["completed"] is True
    assert updated["title"] == task["title"]


@req("FR-010", "SC-001", "C-TASK-7")
def test_delete_returns_the_deleted_task_then_it_is_gone(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any
) -> None:
    task = create_task(user)

    response = client.delete(f"/api/{user}/tasks/{task['id']}", headers=auth)

    assert response.status_code == 200
    assert response.json() == task
    assert client.get(f"/api/{user}/tasks/{task['id']}", headers=auth).status_code == 404
    assert client.delete(f"/api/{user}/tasks/{task['id']}", headers=auth).status_code == 404


@req("FR-011", "SC-001", "C-TASK-5")
def test_patch_without_body_toggles(client: httpx.Client, user: str, auth: dict[str, str], create_task: Any) -> None:
    task = create_task(user)
    url = f"/api/{user}/tasks/{task['id']}/complete"

    first = client.patch(url, headers=auth)
    second = client.patch(url, headers=auth | {"Content-Type": "application/json"}, content=b"{}")

    assert first.status_code == 200
    assert first.json()["completed"] is True
    assert _when(first.json()["updated_at"]) > _when(task["updated_at"])
    assert second.status_code == 200
    assert second.json()["completed"] is False


@req("FR-011", "C-TASK-5")
def test_patch_with_body_sets_the_value_idempotently(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any
) -> None:
    task = create_task(user)
    url = f"/api/{user}/tasks/{task['id']}/complete"

    first = client.patch(url, json={"completed": True}, headers=auth).json()
    again = client.patch(url, json={"completed": True}, headers=auth).json()
    back = client.patch(url, json={"completed": False}, headers=auth).json()

    assert first["completed"] is True
    assert again["completed"] is True
    assert again["updated_at"] == first["updated_at"]  # no change, no modification
    assert back["completed"] is False
    assert _when(back["updated_at"]) > _when(first["updated_at"])


@req("FR-012", "FR-004")
def test_tasks_are_rows_in_postgresql_owned_by_the_token_subject(
    database_url: str, client: httpx.Client, user: str, create_task: Any
) -> None:
    import psycopg

    task = create_task(user, title="stored")
    conninfo = libpq_url(database_url)
    with psycopg.connect(conninfo) as connection:
        row = connection.execute("SELECT user_id, title FROM tasks WHERE id = %s", (task["id"],)).fetchone()

    assert row == (user, "stored")
