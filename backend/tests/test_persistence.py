"""Data survives real restarts of the real `todo-api run` process, on the embedded database and on DATABASE_URL."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.cli import BACKEND_DIR
from tests.conftest import SECRET, bearer, make_token

req = pytest.mark.req


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Service:
    """`todo-api run` as a child process, started and stopped (SIGTERM) like an operator would."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.env = env
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "app.cli", "--data-dir", str(self.data_dir), *args]

    def start(self) -> None:
        command = self.cli("run", "--port", str(self.port))
        self.process = subprocess.Popen(
            command, cwd=BACKEND_DIR, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read().decode() if self.process.stderr else ""
            try:
                if httpx.get(f"{self.base_url}/health/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("todo-api run did not become ready within 60 s")

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.process = None
        return code

    def token(self, user: str) -> str:
        result = subprocess.run(
            self.cli("token", user), cwd=BACKEND_DIR, env=self.env, capture_output=True, text=True, check=True
        )
        return result.stdout.strip()


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BETTER_AUTH_SECRET", "BETTER_AUTH_JWKS_URL")
    }
    return env | extra


@pytest.fixture
def data_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="todo-run-"))  # short: the embedded server's socket lives inside
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def _postgres_running_in(folder: Path) -> bool:
    return subprocess.run(["pgrep", "-f", str(folder)], capture_output=True).returncode == 0


@req("SC-005", "FR-001", "C-OPS-4", "C-OPS-5")
def test_tasks_survive_restarts_on_the_embedded_database(data_dir: Path) -> None:
    service = Service(data_dir, _clean_env())
    service.start()
    try:
        headers = bearer(service.token("restart-user"))
        url = f"{service.base_url}/api/restart-user/tasks"
        created = httpx.post(url, json={"title": "survive", "description": "a restart"}, headers=headers).json()
        assert service.stop() == 0
        assert not _postgres_running_in(data_dir)  # the embedded server stopped with the service

        service.start()
        assert httpx.get(f"{url}/{created['id']}", headers=headers).json() == created
        updated = httpx.put(f"{url}/{created['id']}", json={"title": "updated"}, headers=headers).json()
        service.stop()

        service.start()
        assert httpx.get(f"{url}/{created['id']}", headers=headers).json() == updated
        assert httpx.delete(f"{url}/{created['id']}", headers=headers).status_code == 200
        service.stop()

        service.start()
        assert httpx.get(f"{url}/{created['id']}", headers=headers).status_code == 404
    finally:
        if service.process is not None:
            service.stop()
    assert (data_dir / "dev-secret").stat().st_mode & 0o777 == 0o600


@req("SC-005", "C-OPS-4", "FR-012")
def test_run_uses_database_url_when_set(data_dir: Path, database_url: str) -> None:
    service = Service(data_dir, _clean_env(DATABASE_URL=database_url, BETTER_AUTH_SECRET=SECRET))
    headers = bearer(make_token("external-db-user"))
    url = f"{service.base_url}/api/external-db-user/tasks"
    service.start()
    try:
        created = httpx.post(url, json={"title": "external"}, headers=headers).json()
        service.stop()
        service.start()
        assert httpx.get(url, headers=headers).json() == [created]
    finally:
        if service.process is not None:
            service.stop()
    assert not (data_dir / "postgres").exists()  # no embedded database was started
