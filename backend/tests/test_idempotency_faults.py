"""A keyed write whose database reply is lost after it committed: with Idempotency-Key neither the service's own
retry nor the client's can make a second task or a second toggle. (Without a key the same loss is a 503 for a
write that did happen: the hazard the key removes.)"""

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from app.main import create_app
from tests.fault_proxy import ReplyLosingProxy
from tests.helpers import bearer, client_for, make_settings, make_token

req = pytest.mark.req


@pytest.fixture
def lossy(app_database_url: str) -> Iterator[tuple[httpx.Client, ReplyLosingProxy]]:
    """The API, talking to PostgreSQL through a proxy that can lose replies."""
    target = make_url(app_database_url)
    if target.query.get("sslmode") in ("require", "verify-ca", "verify-full"):
        pytest.skip("the proxy reads PostgreSQL's protocol, which TLS hides: the plain-connection passes cover this")
    host = str(target.query.get("host") or target.host)
    with ReplyLosingProxy(host, target.port or 5432) as proxy:
        proxied = target.set(host="127.0.0.1", port=proxy.port, query={}).render_as_string(hide_password=False)
        settings = make_settings(proxied, db_connect_retry_seconds=0.5, retry_after_seconds=1)
        with client_for(create_app(settings)) as client:
            yield client, proxy


def _count(database_url: str, user: str, title: str) -> int:
    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT count(*) FROM tasks WHERE user_id = %s AND title = %s", (user, title))
        return int(row.fetchone()[0])  # type: ignore[index]


def _create(client: httpx.Client, user: str, title: str, key: str | None) -> httpx.Response:
    headers: dict[str, Any] = bearer(make_token(user)) | ({"Idempotency-Key": key} if key else {})
    return client.post(f"/api/{user}/tasks", json={"title": title}, headers=headers)


@req("RETRY-9", "DB-3")
def test_the_service_retries_a_keyed_create_whose_reply_was_lost(
    lossy: tuple[httpx.Client, ReplyLosingProxy], user: str, database_url: str
) -> None:
    client, proxy = lossy
    title = f"lost reply {secrets.token_hex(4)}"
    proxy.lose_replies(1, title.encode())
    answer = _create(client, user, title, key=secrets.token_urlsafe(12))

    assert proxy.lost == 1  # the insert committed and its reply never reached the API
    assert answer.status_code == 201, answer.text
    assert answer.headers["Idempotent-Replayed"] == "true"  # the service's repeat found the first outcome
    assert answer.json()["title"] == title
    assert _count(database_url, user, title) == 1


@req("RETRY-9", "DB-5")
def test_the_clients_retry_with_the_same_key_makes_exactly_one_task(
    lossy: tuple[httpx.Client, ReplyLosingProxy], user: str, database_url: str
) -> None:
    client, proxy = lossy
    title, key = f"lost twice {secrets.token_hex(4)}", secrets.token_urlsafe(12)
    # Every reply that carries the task: the insert's, then the stored outcome's when the service's own repeat
    # (refused as a duplicate) looks it up, and again on its one retry of that lookup.
    proxy.lose_replies(3, title.encode())
    first = _create(client, user, title, key)
    assert first.status_code == 503
    assert "Retry-After" in first.headers
    assert proxy.lost == 3
    retry = _create(client, user, title, key)
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert _count(database_url, user, title) == 1

    # The hazard without a key: the same loss answers 503 for a task that was created.
    unkeyed = f"no key {secrets.token_hex(4)}"
    proxy.lose_replies(1, unkeyed.encode())
    assert _create(client, user, unkeyed, key=None).status_code == 503
    assert _count(database_url, user, unkeyed) == 1


@req("RETRY-9", "C-TASK-5")
def test_a_keyed_toggle_whose_reply_was_lost_toggles_once(
    lossy: tuple[httpx.Client, ReplyLosingProxy], user: str, database_url: str
) -> None:
    client, proxy = lossy
    title = f"toggle me {secrets.token_hex(4)}"
    task_url = _create(client, user, title, key=None).headers["Location"]
    proxy.lose_replies(1, title.encode())
    headers = bearer(make_token(user)) | {"Idempotency-Key": secrets.token_urlsafe(12)}
    answer = client.patch(f"{task_url}/complete", headers=headers)
    assert answer.status_code == 200
    assert answer.json()["completed"] is True
    assert client.get(task_url, headers=bearer(make_token(user))).json()["completed"] is True
