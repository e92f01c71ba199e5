"""Shared fixtures: a real PostgreSQL (TEST_DATABASE_URL, or an embedded one), a live server, real signed tokens."""

import functools
import os
import secrets
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import jwt
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from app.core.settings import Settings
from app.http.header_limit import with_limit
from app.main import create_app
from app.ops.embedded_db import embedded_postgres, ensure_app_role
from app.ops.startup import migrate

SECRET = "test-secret-" + "k" * 40


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A database of its own on the server, dropped afterwards: tests never touch anyone's data."""
    admin = make_url(server_url).set(drivername="postgresql")
    name = f"todo_test_{uuid.uuid4().hex[:12]}"
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """TEST_DATABASE_URL when set; otherwise a throw-away embedded PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    # A short path: the server's unix socket lives in this folder and socket paths are limited to ~100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="todo-pg-"))
    with embedded_postgres(folder / "data", cleanup="delete") as embedded_url:
        yield embedded_url
    folder.rmdir()


@pytest.fixture(scope="session")
def database_url(postgres_server_url: str) -> Iterator[str]:
    """The migrated test database, as its administrator (bypasses row-level security: use it to inspect rows)."""
    with fresh_database(postgres_server_url) as url:
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def app_database_url(database_url: str) -> str:
    """The same database as the ordinary role the service runs as, so row-level security binds it."""
    return ensure_app_role(database_url)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"database_url": database_url, "better_auth_secret": SECRET} | overrides
    return Settings(_env_file=None, **values)


@contextmanager
def serve(app: FastAPI, port: int = 0) -> Iterator[str]:
    """Run the app on a real socket (uvicorn in a thread) and yield its base URL."""
    # The protocol `todo-api run` serves with, with this app's header limit (app/http/header_limit.py).
    protocol = with_limit(app.state.settings.max_header_bytes)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on", http=protocol)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def client_for(app: FastAPI) -> Iterator[httpx.Client]:
    with ExitStack() as stack:
        base_url = stack.enter_context(serve(app))
        yield stack.enter_context(httpx.Client(base_url=base_url, timeout=10))


@pytest.fixture(scope="session")
def app(app_database_url: str) -> FastAPI:
    return create_app(make_settings(app_database_url))


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[httpx.Client]:
    with client_for(app) as http:
        yield http


def make_token(sub: Any = None, *, key: str = SECRET, algorithm: str = "HS256", **claims: Any) -> str:
    """A real signed token. `sub=None` leaves the claim out; claims set to None are dropped."""
    now = int(time.time())
    payload: dict[str, Any] = {"iat": now, "exp": now + 300}
    if sub is not None:
        payload["sub"] = sub
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(payload, key, algorithm=algorithm)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def user() -> str:
    """A fresh user id per test, so tests are isolated the way users are."""
    return f"user_{secrets.token_hex(8)}"


@pytest.fixture
def auth(user: str) -> dict[str, str]:
    return bearer(make_token(user))


@pytest.fixture
def create_task(client: httpx.Client) -> Callable[..., dict[str, Any]]:
    def create(user_id: str, **fields: Any) -> dict[str, Any]:
        body = {"title": "A task"} | fields
        response = client.post(f"/api/{user_id}/tasks", json=body, headers=bearer(make_token(user_id)))
        assert response.status_code == 201, response.text
        return dict(response.json())

    return create


T = TypeVar("T")


def start_one_by_one(targets: list[Callable[[], None]]) -> list[threading.Thread]:
    """A thread for each target, started one after another: each once the one before is running. On Python 3.11,
    two threads that install coverage's trace function at the same moment can kill one of them before it runs
    (CPython #98257, "Cannot install a trace function while another trace function is being installed")."""
    running = threading.Semaphore(0)

    def announced(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            running.release()  # past the trace function's installation: the next thread may start
            target()

        return run

    threads = []
    for target in targets:
        thread = threading.Thread(target=announced(target))
        thread.start()
        assert running.acquire(timeout=30), "a test thread did not start"
        threads.append(thread)
    return threads


def all_at_once(count: int, work: Callable[[int], T]) -> list[T]:
    """`work(0)` ... `work(count - 1)`, each in its own thread (started one by one), released together by a
    barrier; their results in order. The first failure is raised here."""
    barrier = threading.Barrier(count + 1)
    results: list[Any] = [None] * count
    failures: list[BaseException] = []

    def run(n: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[n] = work(n)
        except BaseException as failure:  # re-raised in the caller's thread below
            failures.append(failure)

    threads = start_one_by_one([functools.partial(run, n) for n in range(count)])
    barrier.wait(timeout=30)
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results
