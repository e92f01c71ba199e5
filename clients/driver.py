"""Every operation of the API through the Python client that openapi-python-client generates from /openapi.json,
against a live server: what a user of the API would write, type-checked with `mypy --strict`.

Run by backend/tests/test_generated_clients.py (see scripts/clients) with API_URL, API_USER and API_TOKEN set, for
a user with no tasks yet. Prints one line per check; exits non-zero at the first one that fails.
"""

import os
import uuid
from typing import TYPE_CHECKING, Any, NoReturn

from todo_api_client import AuthenticatedClient, Client
from todo_api_client.api.health import health, ready
from todo_api_client.api.tasks import complete_task, create_task, delete_task, get_task, list_tasks, update_task
from todo_api_client.models import CompletionUpdate, Liveness, Problem, Readiness, TaskCreate, TaskRead, TaskUpdate
from todo_api_client.types import Response

passed = 0

if TYPE_CHECKING:  # What the types refuse: mypy --strict reports an `ignore` that is not needed, so these must fail.
    TaskUpdate(titel=5)  # type: ignore[call-arg]  # a misspelt field
    get_task.sync(user_id="u", id="17", client=AuthenticatedClient("", token=""))  # type: ignore[arg-type]  # text id


def fail(what: str, response: Response[Any] | None = None) -> NoReturn:
    answer = f" (got {response.status_code}: {response.content[:300]!r})" if response is not None else ""
    raise SystemExit(f"python client: FAILED {what}{answer}")


def check(condition: bool, what: str) -> None:
    global passed
    if not condition:
        fail(what)
    passed += 1
    print(f"python client: ok  {what}")


def task(response: Response[Problem | TaskRead], status: int, what: str) -> TaskRead:
    """The task a response carries; fails unless the status is `status`."""
    if response.status_code != status or not isinstance(response.parsed, TaskRead):
        fail(what, response)
    return response.parsed


def problem(response: Response[Any], status: int, what: str) -> Problem:
    """The problem a response carries; fails unless the status is `status`."""
    if response.status_code != status or not isinstance(response.parsed, Problem) or response.parsed.status != status:
        fail(what, response)
    check(True, what)
    return response.parsed


def main() -> None:
    base_url, user, token = os.environ["API_URL"], os.environ["API_USER"], os.environ["API_TOKEN"]

    with Client(base_url=base_url) as anonymous:  # the probes need no token
        alive = health.sync(client=anonymous)
        check(isinstance(alive, Liveness) and alive.status == "ok", "health: 200 ok")
        readiness = ready.sync(client=anonymous)
        check(isinstance(readiness, Readiness) and readiness.status == "ready", "ready: 200 ready")

    with AuthenticatedClient(base_url=base_url, token=token) as client:
        response = create_task.sync_detailed(user, client=client, body=TaskCreate(title="Buy milk", description="2 l"))
        milk = task(response, 201, "create")
        location = f"/api/{user}/tasks/{milk.id}"
        check(milk.title == "Buy milk" and response.headers["Location"] == location, "create: 201, Location")
        etag = response.headers["ETag"]

        key = str(uuid.uuid4())
        body = TaskCreate(title="Call Bob")
        bob = task(create_task.sync_detailed(user, client=client, body=body, idempotency_key=key), 201, "keyed")
        response = create_task.sync_detailed(user, client=client, body=body, idempotency_key=key)
        replay = task(response, 201, "create: replay")
        check(replay == bob and response.headers["Idempotent-Replayed"] == "true", "create: Idempotency-Key replays")
        other = TaskCreate(title="Something else")
        problem(create_task.sync_detailed(user, client=client, body=other, idempotency_key=key), 422, "create: reuse")

        tasks = list_tasks.sync_detailed(user, client=client)
        listed = tasks.parsed
        check(isinstance(listed, list) and [t.id for t in listed] == [bob.id, milk.id], "list: 200, newest first")
        unchanged = list_tasks.sync_detailed(user, client=client, if_none_match=tasks.headers["ETag"])
        check(unchanged.status_code == 304 and unchanged.content == b"", "list: If-None-Match gives 304")

        response = get_task.sync_detailed(user, milk.id, client=client)
        check(task(response, 200, "get") == milk and response.headers["ETag"] == etag, "get: 200, same task and ETag")

        changes = TaskUpdate(title="Buy oat milk", description=None)
        response = update_task.sync_detailed(user, milk.id, client=client, body=changes, if_match=etag)
        updated = task(response, 200, "update")
        check(updated.title == "Buy oat milk" and updated.description is None, "update: 200 with If-Match")
        done = TaskUpdate(completed=True)
        response = update_task.sync_detailed(user, milk.id, client=client, body=done, if_match=etag)
        problem(response, 412, "update: a stale If-Match is 412")
        check(response.headers["ETag"] != etag, "update: the 412 carries the current ETag")

        toggled = task(complete_task.sync_detailed(user, milk.id, client=client), 200, "toggle")
        check(toggled.completed, "complete: no body toggles")
        toggled = task(complete_task.sync_detailed(user, milk.id, client=client, body=CompletionUpdate()), 200, "{}")
        check(not toggled.completed, "complete: {} toggles")
        for attempt in (1, 2):  # setting is safe to repeat
            response = complete_task.sync_detailed(user, milk.id, client=client, body=CompletionUpdate(completed=True))
            check(task(response, 200, "set").completed, f"complete: {{completed: true}} sets (attempt {attempt})")
        key = str(uuid.uuid4())
        once = task(complete_task.sync_detailed(user, bob.id, client=client, idempotency_key=key), 200, "keyed")
        twice = task(complete_task.sync_detailed(user, bob.id, client=client, idempotency_key=key), 200, "replay")
        check(once.completed and twice == once, "complete: a keyed toggle repeated toggles once")

        invalid = problem(create_task.sync_detailed(user, client=client, body=TaskCreate(title=" ")), 400, "blank")
        check(isinstance(invalid.errors, list) and invalid.errors[0].field == "title", "create: 400 names the field")
        problem(get_task.sync_detailed(user, 2**62, client=client), 404, "get: a task that does not exist is 404")
        problem(list_tasks.sync_detailed("someone-else", client=client), 403, "list: another user's path is 403")

        current = get_task.sync_detailed(user, milk.id, client=client).headers["ETag"]
        deleted = task(delete_task.sync_detailed(user, milk.id, client=client, if_match=current), 200, "delete")
        check(deleted.id == milk.id, "delete: 200 with If-Match, returns the task")
        problem(delete_task.sync_detailed(user, milk.id, client=client), 404, "delete: a second delete is 404")

    print(f"python client: {passed} checks passed")


if __name__ == "__main__":
    main()
