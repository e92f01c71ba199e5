"""The fixtures: a real PostgreSQL (TEST_DATABASE_URL, or an embedded one), the app on a live socket, a fresh user
with a real signed token, and folders and services cleaned up after each test. What they build on: tests/helpers.py."""

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from app.ops.embedded_db import embedded_postgres, ensure_app_role
from app.ops.startup import migrate
from tests.helpers import Service, bearer, client_for, fresh_database, make_settings, make_token


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


@pytest.fixture(scope="session")
def app(app_database_url: str) -> FastAPI:
    return create_app(make_settings(app_database_url))


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[httpx.Client]:
    with client_for(app) as http:
        yield http


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


@pytest.fixture
def data_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="todo-run-"))  # short: the embedded server's unix socket lives inside
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def services() -> Iterator[list[Service]]:
    """Register every Service here: a test that fails half-way leaves no process behind."""
    started: list[Service] = []
    yield started
    for service in started:
        service.kill()
