"""Data survives real restarts of the real `todo-api run` process, on the embedded database and on DATABASE_URL."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from app.ops.startup import BACKEND_DIR
from tests.conftest import SECRET, bearer, make_token

req = pytest.mark.req

START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _processes_using(folder: Path) -> set[int]:
    """Processes whose command line names `folder` (the embedded postmaster: `postgres -D <folder>/postgres`)."""
    # mkdtemp names hold only [A-Za-z0-9_-/]: the path is a literal as a pgrep pattern.
    found = subprocess.run(["pgrep", "-f", str(folder)], capture_output=True, text=True, check=False)
    return {int(pid) for pid in found.stdout.split()}


def _wait_gone(pids: Iterable[int], timeout: float) -> set[int]:
    """The pids still alive after `timeout` seconds."""
    alive = set(pids)
    deadline = time.monotonic() + timeout
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if _alive(pid)}
        time.sleep(0.05)
    return alive


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process (the embedded server may run as a user of its own)
        return True
    return True


class Service:
    """`todo-api run` as a child process in a session of its own, started and stopped (SIGTERM) like an operator."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.env = env
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "service.log"  # a file, not a pipe nobody reads: a full pipe would block the server
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "app.ops.cli", "--data-dir", str(self.data_dir), *args]

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.cli("run", "--port", str(self.port)),
                cwd=BACKEND_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group, so a failed test can kill all of it
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"todo-api run exited early:\n{self.output()}"
            try:
                # /health/ready rather than /health: up *and* reaching its database.
                if httpx.get(f"{self.base_url}/health/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"todo-api run was not ready within {START_TIMEOUT_SECONDS} s:\n{self.output()}")

    def stop(self) -> None:
        """SIGTERM, as systemd or Docker would send: the process must exit cleanly and take its database with it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        self.process = None
        assert code == 0, f"todo-api run exited with {code}:\n{self.output()}"
        leftovers = _processes_using(self.data_dir)
        assert leftovers == set(), f"processes {leftovers} still run in {self.data_dir}:\n{self.output()}"
        assert not (self.data_dir / "postgres" / "postmaster.pid").exists()

    def kill(self) -> None:
        """After a failure: kill whatever is left of this service, and only of it (its group, its database)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            self.process = None
        leftovers = _processes_using(self.data_dir)
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):  # the postmaster's immediate shutdown: children go too
                os.kill(pid, signal.SIGQUIT)
        for pid in _wait_gone(leftovers, timeout=5):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def token(self, user: str) -> str:
        result = subprocess.run(
            self.cli("token", user), cwd=BACKEND_DIR, env=self.env, capture_output=True, text=True, check=True
        )
        return result.stdout.strip()


def _env(**extra: str) -> dict[str, str]:
    """This environment minus the service's settings, so `run` falls back to its development defaults."""
    unset = {"DATABASE_URL", "DATABASE_URL_UNPOOLED", "BETTER_AUTH_SECRET", "BETTER_AUTH_JWKS_URL"}
    # No balancer to drain from: SIGTERM stops at once (tests/test_drain.py tests the drain itself).
    return {name: value for name, value in os.environ.items() if name not in unset} | {"DRAIN_SECONDS": "0"} | extra


def _dotenv_sets_a_database() -> bool:
    dotenv = BACKEND_DIR / ".env"
    lines = dotenv.read_text().splitlines() if dotenv.exists() else []
    return any(line.strip().startswith(("DATABASE_URL=", "DATABASE_URL_UNPOOLED=")) for line in lines)


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


@req("SC-005", "FR-001", "C-OPS-4", "C-OPS-5")
def test_tasks_survive_restarts_on_the_embedded_database(data_dir: Path, services: list[Service]) -> None:
    if _dotenv_sets_a_database():
        pytest.skip("backend/.env sets DATABASE_URL: `run` would not start the embedded database")
    service = Service(data_dir, _env())
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
    service = Service(data_dir, _env(DATABASE_URL=database_url, BETTER_AUTH_SECRET=SECRET))
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
    conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection:  # the row is in the database we named
        row = connection.execute("SELECT title FROM tasks WHERE id = %s", (created["id"],)).fetchone()
    assert row == ("external",)
