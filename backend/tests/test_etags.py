"""Versions and preconditions (ETag, If-None-Match, If-Match), over real HTTP and PostgreSQL."""

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import psycopg
import pytest

from tests.helpers import all_at_once, bearer, make_token

req = pytest.mark.req


def _url(user: str, task: dict[str, Any] | None = None, suffix: str = "") -> str:
    return f"/api/{user}/tasks" + (f"/{task['id']}" if task else "") + suffix


def _weak(etag: str) -> str:
    return f"W/{etag}"


@req("RETRY-1")
def test_every_single_task_answer_carries_a_strong_etag_that_moves_only_on_change(
    client: httpx.Client, user: str, auth: dict[str, str]
) -> None:
    created = client.post(_url(user), json={"title": "Buy milk"}, headers=auth)
    task = created.json()
    first = created.headers["ETag"]
    assert first.startswith('"')
    assert first.endswith('"')
    assert client.get(_url(user, task), headers=auth).headers["ETag"] == first

    changed = client.put(_url(user, task), json={"title": "Buy oat milk"}, headers=auth)
    assert changed.headers["ETag"] != first
    toggled = client.patch(_url(user, task, "/complete"), headers=auth)
    assert toggled.headers["ETag"] not in (first, changed.headers["ETag"])
    # Setting the value it already has is no change: the version stays.
    same = client.patch(_url(user, task, "/complete"), json={"completed": True}, headers=auth)
    assert same.headers["ETag"] == toggled.headers["ETag"]
    deleted = client.delete(_url(user, task), headers=auth)
    assert deleted.headers["ETag"] == toggled.headers["ETag"]


@req("RETRY-1", "C-TASK-8")
def test_a_put_that_sets_what_is_already_there_is_not_a_change(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Callable[..., dict[str, Any]]
) -> None:
    task = create_task(user, title="Buy milk", description="2 litres")
    same = client.put(_url(user, task), json={"title": "  Buy milk ", "description": "2 litres"}, headers=auth)
    assert same.status_code == 200
    assert same.json() == task  # the same etag and updated_at: nothing changed (the title is stored trimmed)
    assert same.headers["ETag"] == task["etag"]
    cleared = client.put(_url(user, task), json={"description": None}, headers=auth).json()
    assert cleared["etag"] != task["etag"]
    assert datetime.fromisoformat(cleared["updated_at"]) > datetime.fromisoformat(task["updated_at"])
    again = client.put(_url(user, task), json={"description": None, "completed": False}, headers=auth).json()
    assert again == cleared


@req("RETRY-1")
def test_the_list_etag_changes_on_create_change_and_delete_and_never_leaks_into_bodies(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Callable[..., dict[str, Any]]
) -> None:
    empty = client.get(_url(user), headers=auth).headers["ETag"]
    task = create_task(user)
    assert "version" not in task  # the version shows only as the etag, byte for byte the ETag header
    assert task["etag"] == client.get(_url(user, task), headers=auth).headers["ETag"]
    after_create = client.get(_url(user), headers=auth).headers["ETag"]
    assert client.get(_url(user), headers=auth).headers["ETag"] == after_create  # stable while nothing changes
    client.put(_url(user, task), json={"description": "2 litres"}, headers=auth)
    after_change = client.get(_url(user), headers=auth).headers["ETag"]
    client.delete(_url(user, task), headers=auth)
    after_delete = client.get(_url(user), headers=auth).headers["ETag"]
    assert len({empty, after_create, after_change}) == 3
    assert after_delete == empty  # the same (empty) list again: the same version


@req("RETRY-2")
def test_if_none_match_gives_304_with_the_etag_and_no_body(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Callable[..., dict[str, Any]]
) -> None:
    task = create_task(user)
    for url in (_url(user, task), _url(user)):
        etag = client.get(url, headers=auth).headers["ETag"]
        for header in (etag, _weak(etag), f'"nope", {etag}', "*", f'"x",,  {_weak(etag)}'):
            response = client.get(url, headers=auth | {"If-None-Match": header})
            assert response.status_code == 304, header
            assert response.content == b""
            assert response.headers["ETag"] == etag
        for header in ('"nope"', 'W/"nope"', ",", ""):
            response = client.get(url, headers=auth | {"If-None-Match": header})
            assert response.status_code == 200, header
            assert response.headers["ETag"] == etag


@req("RETRY-2")
def test_if_none_match_sent_as_several_header_lines_is_one_list(
    client: httpx.Client, user: str, auth: dict[str, str], create_task: Callable[..., dict[str, Any]]
) -> None:
    task = create_task(user)
    etag = client.get(_url(user, task), headers=auth).headers["ETag"]
    headers = [*auth.items(), ("If-None-Match", '"other"'), ("If-None-Match", etag)]
    assert client.get(_url(user, task), headers=headers).status_code == 304


@req("RETRY-3")
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("PUT", "", {"title": "changed"}), ("PATCH", "/complete", None), ("DELETE", "", None)],
)
def test_if_match_with_a_stale_version_is_412_and_changes_nothing(
    client: httpx.Client,
    user: str,
    auth: dict[str, str],
    database_url: str,
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    created = client.post(_url(user), json={"title": "original"}, headers=auth)
    task, stale = created.json(), created.headers["ETag"]
    current = client.put(_url(user, task), json={"description": "moved on"}, headers=auth)
    before = client.get(_url(user, task), headers=auth).json()

    for header in (stale, _weak(current.headers["ETag"]), '"1.1"', f'"{task["id"]}.x"'):
        refused = client.request(method, _url(user, task, suffix), json=body, headers=auth | {"If-Match": header})
        assert refused.status_code == 412, header
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["status"] == 412
        assert refused.headers["ETag"] == current.headers["ETag"]  # what to fetch or retry with
    assert client.get(_url(user, task), headers=auth).json() == before


@req("RETRY-3")
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("PUT", "", {"title": "changed"}), ("PATCH", "/complete", None), ("DELETE", "", None)],
)
def test_if_match_with_the_current_version_or_a_star_succeeds(
    client: httpx.Client,
    user: str,
    auth: dict[str, str],
    create_task: Callable[..., dict[str, Any]],
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    for condition in ("current", "list", "*"):
        task = create_task(user)
        etag = client.get(_url(user, task), headers=auth).headers["ETag"]
        header = {"current": etag, "list": f'"stale", W/"weak", {etag}', "*": "*"}[condition]
        response = client.request(method, _url(user, task, suffix), json=body, headers=auth | {"If-Match": header})
        assert response.status_code == 200, (condition, response.text)
        assert response.headers["ETag"] != etag or method == "DELETE"


@req("RETRY-3", "SC-003")
def test_a_missing_or_foreign_task_is_404_whatever_the_precondition(
    client: httpx.Client, create_task: Callable[..., dict[str, Any]]
) -> None:
    alice, bob = f"alice_{secrets.token_hex(4)}", f"bob_{secrets.token_hex(4)}"
    task = create_task(alice)
    etag = client.get(_url(alice, task), headers=bearer(make_token(alice))).headers["ETag"]
    as_bob = bearer(make_token(bob))
    for header in (etag, "*", '"0.0"'):
        for method, suffix in (("PUT", ""), ("PATCH", "/complete"), ("DELETE", "")):
            body = {"title": "stolen"} if method == "PUT" else None
            response = client.request(method, _url(bob, task, suffix), json=body, headers=as_bob | {"If-Match": header})
            assert response.status_code == 404, (method, header)
            assert "ETag" not in response.headers
        assert client.get(_url(bob, task), headers=as_bob | {"If-None-Match": header}).status_code == 404
    missing = {"id": 2**62}
    assert client.put(_url(alice, missing), json={"title": "t"}, headers=bearer(make_token(alice))).status_code == 404
    after = client.get(_url(alice, task), headers=bearer(make_token(alice)))
    assert after.json() == task
    assert after.headers["ETag"] == etag


@req("RETRY-4", "C-TASK-5")
def test_of_parallel_puts_with_one_if_match_exactly_one_succeeds(
    client: httpx.Client, user: str, auth: dict[str, str], database_url: str
) -> None:
    created = client.post(_url(user), json={"title": "shared"}, headers=auth)
    task, etag = created.json(), created.headers["ETag"]

    def put(n: int) -> int:
        with httpx.Client(base_url=str(client.base_url), timeout=20) as own:
            headers = auth | {"If-Match": etag}
            return own.put(_url(user, task), json={"title": f"writer {n}"}, headers=headers).status_code

    statuses = all_at_once(16, put)
    assert sorted(statuses) == [200] + [412] * 15
    with psycopg.connect(database_url) as connection:
        version = connection.execute("SELECT version FROM tasks WHERE id = %s", (task["id"],)).fetchone()
    assert version == (2,)  # changed exactly once


@req("RETRY-10", "C-OPS-2")
def test_cors_lets_browsers_send_and_read_the_retry_headers(client: httpx.Client, user: str) -> None:
    preflight = client.options(
        _url(user),
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization, idempotency-key, if-match, if-none-match",
        },
    )
    assert preflight.status_code == 200
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert {"idempotency-key", "if-match", "if-none-match"} <= {h.strip() for h in allowed.split(",")}
    actual = client.get(_url(user), headers={"Origin": "http://localhost:3000"} | bearer(make_token(user)))
    exposed = {h.strip().lower() for h in actual.headers["access-control-expose-headers"].split(",")}
    assert {"etag", "idempotent-replayed", "retry-after", "location"} <= exposed


MALFORMED = ["nonsense", '"unterminated', '"a" "b"', '*, "x"', 'W/ "x"', '"with space"', "17.3", 'w/"x"']


@req("RETRY-2", "RETRY-3", "C-ERR-2")
@pytest.mark.parametrize("header", MALFORMED)
def test_a_malformed_precondition_is_400_and_changes_nothing(
    client: httpx.Client, user: str, auth: dict[str, str], header: str
) -> None:
    # "If-Match: nonsense" was a 412 ("has changed since you read it"): a malformed header is the client's error.
    task = client.post(_url(user), json={"title": "original"}, headers=auth).json()
    before = client.get(_url(user, task), headers=auth).json()
    answers = [
        client.put(_url(user, task), json={"title": "changed"}, headers=auth | {"If-Match": header}),
        client.patch(_url(user, task, "/complete"), headers=auth | {"If-Match": header}),
        client.delete(_url(user, task), headers=auth | {"If-Match": header}),
        client.get(_url(user, task), headers=auth | {"If-None-Match": header}),
        client.get(_url(user), headers=auth | {"If-None-Match": header}),
    ]
    for answer in answers:
        assert answer.status_code == 400, (answer.request.method, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert "is not `*` or a list of entity-tags" in answer.json()["detail"]
    assert client.get(_url(user, task), headers=auth).json() == before
