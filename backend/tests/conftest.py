"""Shared fixtures: a real PostgreSQL (TEST_DATABASE_URL, or an embedded one), a live server, real signed tokens."""

import os
import secrets
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from app.cli import migrate
from app.embedded_db import embedded_postgres, ensure_app_role
from app.main import create_app
from app.settings import Settings

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
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
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
