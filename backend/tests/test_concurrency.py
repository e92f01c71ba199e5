"""Concurrency: toggles are atomic, and users working at once never see each other's rows."""

from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import pytest

from tests.helpers import all_at_once, bearer, make_token

req = pytest.mark.req

T = TypeVar("T")


def _all_at_once(base_url: str, count: int, request: Callable[[httpx.Client, int], T]) -> list[T]:
    """Run `request` `count` times in parallel, each on its own connection, released together."""

    def run(n: int) -> T:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            return request(http, n)

    return all_at_once(count, run)


@req("C-TASK-5", "FR-011")
@pytest.mark.parametrize(("times", "flipped"), [(2, False), (20, False), (7, True)])
def test_concurrent_toggles_never_lose_one(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Any, times: int, flipped: bool
) -> None:
    task = create_task(user)
    url = f"/api/{user}/tasks/{task['id']}/complete"

    responses = _all_at_once(str(client.base_url), times, lambda http, _: http.patch(url, headers=auth))

    assert [response.status_code for response in responses] == [200] * times
    # Each toggle saw the state the previous one left: the answers are alternately the two values, in some order.
    answers = sorted(response.json()["completed"] for response in responses)
    assert answers == sorted([True] * ((times + 1) // 2) + [False] * (times // 2))
    final = client.get(f"/api/{user}/tasks/{task['id']}", headers=auth).json()
    assert final["completed"] is (task["completed"] ^ flipped)


@req("SC-003", "FR-005", "FR-006")
def test_users_creating_at_once_get_exactly_their_own_tasks(client: httpx.Client, user: str) -> None:
    users = [f"{user}-a", f"{user}-b"]
    per_user = 25

    def create(http: httpx.Client, n: int) -> httpx.Response:
        owner = users[n % 2]
        return http.post(f"/api/{owner}/tasks", json={"title": f"{owner} {n}"}, headers=bearer(make_token(owner)))

    responses = _all_at_once(str(client.base_url), 2 * per_user, create)

    assert [response.status_code for response in responses] == [201] * (2 * per_user)
    for index, owner in enumerate(users):
        mine = responses[index::2]
        assert {response.json()["user_id"] for response in mine} == {owner}
        listed = client.get(f"/api/{owner}/tasks", headers=bearer(make_token(owner))).json()
        assert len(listed) == per_user
        assert sorted(task["id"] for task in listed) == sorted(response.json()["id"] for response in mine)
        assert {task["title"].split()[0] for task in listed} == {owner}
