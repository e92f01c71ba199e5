"""Data survives real restarts of the real `todo-api run` process, on the embedded database and on DATABASE_URL."""

from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from app.core.settings import libpq_url
from app.ops.startup import BACKEND_DIR
from tests.helpers import SECRET, Service, bearer, cli_env, make_token

req = pytest.mark.req


def _dotenv_sets_a_database() -> bool:
    dotenv = BACKEND_DIR / ".env"
    lines = dotenv.read_text().splitlines() if dotenv.exists() else []
    return any(line.strip().startswith(("DATABASE_URL=", "DATABASE_URL_UNPOOLED=")) for line in lines)


@req("SC-005", "FR-001", "C-OPS-4", "C-OPS-5")
def test_tasks_survive_restarts_on_the_embedded_database(data_dir: Path, services: list[Service]) -> None:
    if _dotenv_sets_a_database():
        pytest.skip("backend/.env sets DATABASE_URL: `run` would not start the embedded database")
    service = Service(data_dir, cli_env())
    services.append(service)
    service.start()
    assert (data_dir / "postgres" / "postmaster.pid").exists()  # the embedded server, in the data dir we chose
    headers = bearer(service.token("restart-user"))  # signed with the dev secret `run` generated in the data dir
    url = f"{service.base_url}/api/restart-user/tasks"
    response = httpx.post(url, json={"title": "survive", "description": "a restart"}, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    service.stop()

    service.start()
    assert httpx.get(f"{url}/{created['id']}", headers=headers).json() == created
    response = httpx.put(f"{url}/{created['id']}", json={"title": "updated", "completed": True}, headers=headers)
    assert response.status_code == 200, response.text
    updated = response.json()
    service.stop()

    service.start()
    assert httpx.get(f"{url}/{created['id']}", headers=headers).json() == updated
    assert updated["title"] == "updated"
    assert updated["completed"] is True
    assert httpx.delete(f"{url}/{created['id']}", headers=headers).status_code == 200
    service.stop()

    service.start()
    assert httpx.get(f"{url}/{created['id']}", headers=headers).status_code == 404
    assert httpx.get(url, headers=headers).json() == []
    service.stop()

    assert (data_dir / "dev-secret").stat().st_mode & 0o777 == 0o600


@req("SC-005", "FR-001", "FR-012", "C-OPS-4")
def test_run_uses_database_url_when_set(data_dir: Path, database_url: str, services: list[Service], user: str) -> None:
    service = Service(data_dir, cli_env(DATABASE_URL=database_url, BETTER_AUTH_SECRET=SECRET))
    services.append(service)
    headers = bearer(make_token(user))  # conftest's secret, the one the service was given
    url = f"{service.base_url}/api/{user}/tasks"
    service.start()
    response = httpx.post(url, json={"title": "external"}, headers=headers)
    assert response.status_code == 201, response.text
    created = response.json()
    service.stop()

    service.start()
    assert httpx.get(url, headers=headers).json() == [created]
    service.stop()

    assert not (data_dir / "postgres").exists()  # no embedded database was started
    assert not (data_dir / "dev-secret").exists()  # nor a development secret generated
    conninfo = libpq_url(database_url)
    with psycopg.connect(conninfo) as connection:  # the row is in the database we named
        row = connection.execute("SELECT title FROM tasks WHERE id = %s", (created["id"],)).fetchone()
    assert row == ("external",)
