"""Data isolation: another user's task is invisible and untouchable, on every route, without a hint it exists."""

from typing import Any

import httpx
import pytest

from tests.helpers import bearer, make_token

req = pytest.mark.req


@req("FR-005", "SC-003", "C-TASK-6")
def test_another_users_task_is_404_on_every_route_and_stays_unchanged(
    client: httpx.Client, user: str, create_task: Any
) -> None:
    victim = f"{user}-victim"
    task = create_task(victim, title="private", description="secret")
    attacker = bearer(make_token(user))
    missing = client.get(f"/api/{user}/tasks/{task['id'] + 10_000_000}", headers=attacker)
    routes = [
        ("GET", f"/api/{user}/tasks/{task['id']}", None),
        ("PUT", f"/api/{user}/tasks/{task['id']}", {"title": "pwned"}),
        ("DELETE", f"/api/{user}/tasks/{task['id']}", None),
        ("PATCH", f"/api/{user}/tasks/{task['id']}/complete", None),
        ("PATCH", f"/api/{user}/tasks/{task['id']}/complete", {"completed": True}),
    ]

    for method, path, body in routes:
        response = client.request(method, path, json=body, headers=attacker)
        assert response.status_code == 404, (method, path)
        # Indistinguishable from a task that does not exist at all (apart from the id in the text).
        assert response.json()["detail"] == missing.json()["detail"].replace(
            str(task["id"] + 10_000_000), str(task["id"])
        )
        assert "private" not in response.text

    assert client.get(f"/api/{user}/tasks", headers=attacker).json() == []
    victim_view = client.get(f"/api/{victim}/tasks/{task['id']}", headers=bearer(make_token(victim)))
    assert victim_view.json() == task


@req("FR-005", "SC-003")
def test_lists_never_mix_users(client: httpx.Client, user: str, create_task: Any) -> None:
    mine = {create_task(user)["id"] for _ in range(3)}
    theirs = {create_task(f"{user}-other")["id"] for _ in range(2)}

    my_list = client.get(f"/api/{user}/tasks", headers=bearer(make_token(user))).json()
    their_list = client.get(f"/api/{user}-other/tasks", headers=bearer(make_token(f"{user}-other"))).json()

    assert {t["id"] for t in my_list} == mine
    assert {t["id"] for t in their_list} == theirs
    assert all(t["user_id"] == user for t in my_list)


@req("FR-005", "C-AUTH-7")
def test_the_path_user_must_match_the_token_even_for_reads(client: httpx.Client, user: str, create_task: Any) -> None:
    victim_task = create_task(f"{user}-victim")
    attacker = bearer(make_token(user))

    response = client.get(f"/api/{user}-victim/tasks/{victim_task['id']}", headers=attacker)

    assert response.status_code == 403
    assert "private" not in response.text
    assert str(victim_task["id"]) not in response.json()["detail"]


@req("C-TASK-6", "FR-013", "SDK-2")  # the document says integer >= 1; anything else is still a 404, never a 400
@pytest.mark.parametrize(
    "bad_id", ["abc", "0", "-1", "99999999999999999999", "9223372036854775808", "1.5", "01", "%20"]
)
def test_ids_that_cannot_exist_are_404_on_every_route(
    client: httpx.Client, user: str, auth: dict[str, str], bad_id: str
) -> None:
    for method, suffix, body in [
        ("GET", "", None),
        ("PUT", "", {"title": "x"}),
        ("DELETE", "", None),
        ("PATCH", "/complete", None),
    ]:
        response = client.request(method, f"/api/{user}/tasks/{bad_id}{suffix}", json=body, headers=auth)
        assert response.status_code == 404, (method, bad_id, response.text)
        assert response.headers["content-type"] == "application/problem+json"


@req("C-TASK-6")
def test_the_largest_bigint_id_is_a_plain_404(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    response = client.get(f"/api/{user}/tasks/9223372036854775807", headers=auth)
    assert response.status_code == 404
