"""Concurrency: toggles are atomic, and users working at once never see each other's rows."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.conftest import bearer, make_token

req = pytest.mark.req


def _toggle_concurrently(base_url: str, user: str, task_id: int, times: int) -> list[int]:
    headers = bearer(make_token(user))

    def toggle(_: int) -> int:
        with httpx.Client(base_url=base_url, headers=headers, timeout=10) as http:
            return http.patch(f"/api/{user}/tasks/{task_id}/complete").status_code

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(toggle, range(times)))


@req("C-TASK-5", "FR-011")
@pytest.mark.parametrize(("times", "flipped"), [(2, False), (20, False), (7, True)])
def test_concurrent_toggles_never_lose_one(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any, times: int, flipped: bool
) -> None:
    task = create_task(user)

    statuses = _toggle_concurrently(str(client.base_url), user, task["id"], times)

    assert statuses == [200] * times
    final = client.get(f"/api/{user}/tasks/{task['id']}", headers=auth).json()
    assert final["completed"] is (task["completed"] ^ flipped)


@req("SC-003", "FR-005", "FR-006")
def test_users_creating_at_once_get_exactly_their_own_tasks(client: httpx.Client, user: str) -> None:
    users = [f"{user}-a", f"{user}-b"]

    def create(n: int) -> int:
        owner = users[n % 2]
        with httpx.Client(base_url=str(client.base_url), headers=bearer(make_token(owner)), timeout=10) as http:
            response = http.post(f"/api/{owner}/tasks", json={"title": f"{owner} {n}"})
            assert response.status_code == 201
            return int(response.json()["id"])

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = list(pool.map(create, range(50)))

    for index, owner in enumerate(users):
        listed = client.get(f"/api/{owner}/tasks", headers=bearer(make_token(owner))).json()
        assert sorted(task["id"] for task in listed) == sorted(ids[index::2])
        assert {task["title"].split()[0] for task in listed} == {owner}
