"""Idempotency-Key on create and on PATCH /complete: replays, refusals, isolation, concurrency and expiry, over real
HTTP and PostgreSQL (the fault cases are in test_idempotency_faults.py)."""

import secrets
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from app.main import create_app
from tests.helpers import all_at_once, bearer, client_for, make_settings, make_token

req = pytest.mark.req


def _key() -> str:
    return secrets.token_urlsafe(16)


def _create(client: httpx.Client, user: str, key: str, body: dict[str, Any] | None = None) -> httpx.Response:
    headers = bearer(make_token(user)) | {"Idempotency-Key": key}
    return client.post(f"/api/{user}/tasks", json=body or {"title": "Buy milk"}, headers=headers)


def _tasks(client: httpx.Client, user: str) -> list[dict[str, Any]]:
    return list(client.get(f"/api/{user}/tasks", headers=bearer(make_token(user))).json())


@req("RETRY-5", "FR-006")
def test_a_repeated_create_is_replayed_not_run_again(client: httpx.Client, user: str) -> None:
    key = _key()
    first = _create(client, user, key, {"title": "Buy milk", "description": "2 litres"})
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers

    for _ in range(3):
        again = _create(client, user, key, {"title": "Buy milk", "description": "2 litres"})
        assert again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.content == first.content  # byte for byte
        assert again.headers["Location"] == first.headers["Location"]
        assert again.headers["ETag"] == first.headers["ETag"]
    assert [task["id"] for task in _tasks(client, user)] == [first.json()["id"]]


@req("RETRY-5")
def test_a_replay_returns_the_first_answer_even_after_the_task_changed_or_went(
    client: httpx.Client, user: str, auth: dict[str, str]
) -> None:
    key = _key()
    first = _create(client, user, key)
    task_url = first.headers["Location"]
    client.put(task_url, json={"title": "Buy oat milk"}, headers=auth)
    assert _create(client, user, key).content == first.content
    client.delete(task_url, headers=auth)
    replay = _create(client, user, key)
    assert replay.status_code == 201
    assert replay.content == first.content
    assert _tasks(client, user) == []  # replaying never re-creates it


@req("RETRY-5", "C-TASK-5")
def test_a_repeated_toggle_toggles_once(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    task_url = _create(client, user, _key()).headers["Location"]
    key = _key()
    answers = [client.patch(f"{task_url}/complete", headers=auth | {"Idempotency-Key": key}) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200] * 4
    assert {answer.content for answer in answers} == {answers[0].content}
    assert [answer.headers.get("Idempotent-Replayed") for answer in answers] == [None, "true", "true", "true"]
    assert client.get(task_url, headers=auth).json()["completed"] is True
    # A new key is a new toggle.
    assert client.patch(f"{task_url}/complete", headers=auth | {"Idempotency-Key": _key()}).json()["completed"] is False


@req("RETRY-6")
def test_the_same_key_for_a_different_request_is_422(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    key = _key()
    task_url = _create(client, user, key, {"title": "one"}).headers["Location"]
    for method, url, body in (
        ("POST", f"/api/{user}/tasks", {"title": "two"}),  # another body
        ("PATCH", f"{task_url}/complete", None),  # another method and path
    ):
        refused = client.request(method, url, json=body, headers=auth | {"Idempotency-Key": key})
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "different request" in refused.json()["detail"]
    assert len(_tasks(client, user)) == 1
    assert client.get(task_url, headers=auth).json()["completed"] is False


def _raw_request(base_url: str, method: str, path: str, headers: list[tuple[str, bytes]], body: bytes) -> bytes:
    """Over a plain socket: HTTP clients refuse to send the malformed header values these tests need."""
    host, port = httpx.URL(base_url).host, httpx.URL(base_url).port
    lines = [f"{method} {path} HTTP/1.1".encode(), f"Host: {host}".encode(), b"Connection: close"]
    lines += [name.encode() + b": " + value for name, value in headers]
    lines += [b"Content-Type: application/json", f"Content-Length: {len(body)}".encode()]
    with socket.create_connection((host, port or 80), timeout=10) as connection:
        connection.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@req("RETRY-6", "C-ERR-2")
@pytest.mark.parametrize(
    "key",
    [b"", b"a" * 256, "clé".encode(), b"tab\there", b"del\x7fete", b"with space", b"nul\x00"],
    ids=["empty", "256-chars", "non-ascii", "control", "delete-char", "space", "nul"],
)
def test_a_malformed_key_is_400_and_runs_nothing(client: httpx.Client, user: str, key: bytes) -> None:
    headers = [("Authorization", f"Bearer {make_token(user)}".encode()), ("Idempotency-Key", key)]
    for method, suffix in (("POST", ""), ("PATCH", "/1/complete")):
        answer = _raw_request(str(client.base_url), method, f"/api/{user}/tasks{suffix}", headers, b'{"title":"t"}')
        assert answer.split(b" ", 2)[1] == b"400", answer[:300]
        # The API names the header; DEL and NUL the HTTP server itself refuses as a malformed request.
        named = b'"errors":[{"field":"Idempotency-Key"' in answer
        assert named or answer.endswith(b"Invalid HTTP request received."), answer
    assert _tasks(client, user) == []


@req("RETRY-6")
def test_two_key_headers_are_400_and_the_longest_key_is_fine(client: httpx.Client, user: str) -> None:
    headers = [*bearer(make_token(user)).items(), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")]
    assert client.post(f"/api/{user}/tasks", json={"title": "t"}, headers=headers).status_code == 400
    assert _create(client, user, "~" * 255).status_code == 201


@req("RETRY-7")
def test_a_failed_request_does_not_burn_its_key(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    key = _key()
    assert _create(client, user, key, {"title": ""}).status_code == 400
    assert _create(client, user, key, {"title": "fixed"}).status_code == 201

    created = _create(client, user, _key())
    task_url, etag = created.headers["Location"], created.headers["ETag"]
    client.put(task_url, json={"title": "moved on"}, headers=auth)
    toggle_key = _key()
    stale = client.patch(f"{task_url}/complete", headers=auth | {"Idempotency-Key": toggle_key, "If-Match": etag})
    assert stale.status_code == 412
    retried = client.patch(f"{task_url}/complete", headers=auth | {"Idempotency-Key": toggle_key})
    assert retried.status_code == 200
    assert "Idempotent-Replayed" not in retried.headers


@req("RETRY-7", "SC-003")
def test_keys_are_per_user_and_another_users_answer_cannot_be_replayed(client: httpx.Client) -> None:
    alice, bob = f"alice_{secrets.token_hex(4)}", f"bob_{secrets.token_hex(4)}"
    key = _key()
    mine = _create(client, alice, key, {"title": "Alice's secret"})
    theirs = _create(client, bob, key, {"title": "Alice's secret"})  # the same key and body, another user
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["user_id"] == bob
    assert theirs.json()["id"] != mine.json()["id"]
    assert [task["title"] for task in _tasks(client, alice)] == ["Alice's secret"]
    # Bob toggling Alice's task with her key: a 404 like any other foreign task, and nothing is stored.
    foreign = client.patch(f"{mine.headers['Location'].replace(alice, bob)}/complete", headers=bearer(make_token(bob)))
    assert foreign.status_code == 404


@req("RETRY-7", "SEC-1")
def test_row_level_security_binds_the_keys_too(client: httpx.Client, app_database_url: str) -> None:
    alice, bob = f"alice_{secrets.token_hex(4)}", f"bob_{secrets.token_hex(4)}"
    _create(client, alice, _key())
    _create(client, bob, _key())
    with psycopg.connect(app_database_url, autocommit=True) as connection:  # the service's own role
        assert connection.execute("SELECT count(*) FROM idempotency_keys").fetchone() == (0,)
        connection.execute("SELECT set_config('app.user_id', %s, false)", (alice,))
        owners = connection.execute("SELECT DISTINCT user_id FROM idempotency_keys").fetchall()
        assert owners == [(alice,)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(
                "INSERT INTO idempotency_keys VALUES (%s, 'k', 'f', 201, '{}', now() + interval '1 day')", (bob,)
            )


@req("RETRY-7")
def test_keys_are_kept_in_postgresql_for_24_hours(client: httpx.Client, user: str, database_url: str) -> None:
    key = _key()
    _create(client, user, key)
    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT extract(epoch FROM expires_at - now()) FROM idempotency_keys WHERE user_id = %s AND key = %s",
            (user, key),
        ).fetchone()
    assert row is not None
    assert 86400 - 60 < float(row[0]) <= 86400


@pytest.fixture
def short_lived(app_database_url: str) -> Iterator[httpx.Client]:
    """A repeat that waits at most 0.3 s for its first request."""
    settings = make_settings(app_database_url, idempotency_wait_seconds=0.3)
    with client_for(create_app(settings)) as http:
        yield http


@req("RETRY-7")
def test_expired_keys_are_treated_as_absent_and_removed(app_database_url: str, user: str, database_url: str) -> None:
    other = f"other_{secrets.token_hex(4)}"
    key = _key()
    with client_for(create_app(make_settings(app_database_url))) as first:
        assert _create(first, user, key, {"title": "first"}).status_code == 201
        assert _create(first, other, _key()).status_code == 201
    with psycopg.connect(database_url, autocommit=True) as connection:  # both keys expire: no waiting for it
        connection.execute("UPDATE idempotency_keys SET expires_at = now() WHERE user_id IN (%s, %s)", (user, other))
    with client_for(create_app(make_settings(app_database_url))) as restarted:  # its first keyed write purges
        again = _create(restarted, user, key, {"title": "second"})  # a different body is fine: the key is forgotten
        assert again.status_code == 201
        assert "Idempotent-Replayed" not in again.headers
        assert sorted(task["title"] for task in _tasks(restarted, user)) == ["first", "second"]
    with psycopg.connect(database_url) as connection:
        kept = connection.execute("SELECT user_id FROM idempotency_keys WHERE user_id IN (%s, %s)", (user, other))
        assert kept.fetchall() == [(user,)]  # this user's new key only: the other user's expired one was purged


@req("RETRY-6")
def test_a_repeat_while_the_first_is_still_running_is_409_with_retry_after(
    short_lived: httpx.Client, user: str, database_url: str
) -> None:
    key = _key()
    with psycopg.connect(database_url) as first:  # a first request, mid-way: its key row written, not committed
        first.execute(
            "INSERT INTO idempotency_keys VALUES (%s, %s, 'f', 201, '{}', now() + interval '1 day')", (user, key)
        )
        repeat = _create(short_lived, user, key)
        assert repeat.status_code == 409, repeat.text
        assert int(repeat.headers["Retry-After"]) >= 1
        first.rollback()  # the first request failed: its key is free again
    assert _create(short_lived, user, key).status_code == 201
    assert len(_tasks(short_lived, user)) == 1


@req("RETRY-8")
def test_parallel_creates_with_one_key_make_exactly_one_task(client: httpx.Client, user: str) -> None:
    key = _key()

    def create(_: int) -> httpx.Response:
        with httpx.Client(base_url=str(client.base_url), timeout=20) as own:
            return _create(own, user, key)

    answers = all_at_once(16, create)
    assert {answer.status_code for answer in answers} <= {201, 409}
    created = [answer for answer in answers if answer.status_code == 201]
    assert len([answer for answer in created if "Idempotent-Replayed" not in answer.headers]) == 1
    assert {answer.json()["id"] for answer in created} == {task["id"] for task in _tasks(client, user)}
    assert len(_tasks(client, user)) == 1


@req("RETRY-8", "C-TASK-5")
def test_parallel_toggles_with_one_key_toggle_once(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    task_url = _create(client, user, _key()).headers["Location"]
    key = _key()

    def toggle(_: int) -> int:
        with httpx.Client(base_url=str(client.base_url), timeout=20) as own:
            return own.patch(f"{task_url}/complete", headers=auth | {"Idempotency-Key": key}).status_code

    statuses = all_at_once(16, toggle)
    assert set(statuses) <= {200, 409}
    assert 200 in statuses
    assert client.get(task_url, headers=auth).json()["completed"] is True
