"""Graceful drain: a real `todo-api run` told to stop (SIGTERM) fails its readiness at once, serves on for
DRAIN_SECONDS, then stops accepting, finishes the request in flight and exits; and it exits within a bounded time
even when a request never finishes. A request is held in flight by a row lock the test holds in PostgreSQL."""

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.helpers import SECRET, STOP_TIMEOUT_SECONDS, Service, bearer, cli_env, make_token

req = pytest.mark.req


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _until(condition: Any, what: str, seconds: float = 30) -> None:
    """Wait for an event (polled), failing after `seconds`: a bound for a broken build, not a timing assertion."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def _refused(base_url: str) -> bool:
    try:
        httpx.get(f"{base_url}/health", timeout=2)
    except httpx.ConnectError:
        return True
    return False


@contextmanager
def _held(database_url: str, task_id: int) -> Iterator[psycopg.Connection[Any]]:
    """The task's row locked by an open transaction: a PUT of it waits in PostgreSQL until the lock goes."""
    with psycopg.connect(_conninfo(database_url)) as connection:
        connection.execute("SELECT 1 FROM tasks WHERE id = %s FOR UPDATE", (task_id,))
        yield connection


def _waiting_on_a_lock(database_url: str) -> bool:
    with psycopg.connect(_conninfo(database_url), autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(row and row[0])


class InFlight:
    """A PUT sent from a thread of its own, whose answer (or failure) is kept."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.outcome: httpx.Response | Exception | None = None
        self.thread = threading.Thread(target=self._send, args=(url, headers))
        self.thread.start()

    def _send(self, url: str, headers: dict[str, str]) -> None:
        try:
            self.outcome = httpx.put(url, json={"title": "in flight"}, headers=headers, timeout=60)
        except httpx.HTTPError as error:
            self.outcome = error


def _service(data: Path, database_url: str, **settings: str) -> Service:
    # DB_TIMEOUT_SECONDS: long enough that a request held by the test's row lock stays in flight
    env = cli_env(DATABASE_URL=database_url, BETTER_AUTH_SECRET=SECRET, DB_TIMEOUT_SECONDS="60", **settings)
    return Service(data, env)


@req("OPS-4", "C-HEALTH-1")
def test_sigterm_fails_readiness_at_once_serves_on_then_finishes_what_is_in_flight(
    data_dir: Path,
    database_url: str,
    services: list[Service],
    user: str,
) -> None:
    service = _service(data_dir, database_url, DRAIN_SECONDS="2", SHUTDOWN_GRACE_SECONDS="30")
    services.append(service)
    service.start()
    headers = bearer(make_token(user))
    tasks = f"{service.base_url}/api/{user}/tasks"
    created = httpx.post(tasks, json={"title": "before"}, headers=headers).json()
    assert service.process is not None

    with _held(database_url, created["id"]) as lock:
        in_flight = InFlight(f"{tasks}/{created['id']}", headers)
        _until(lambda: _waiting_on_a_lock(database_url), "the PUT waits on the row lock")
        service.process.send_signal(signal.SIGTERM)

        _until(lambda: httpx.get(f"{service.base_url}/health/ready").status_code == 503, "readiness fails")
        ready = httpx.get(f"{service.base_url}/health/ready")
        assert ready.status_code == 503
        assert ready.headers["content-type"] == "application/problem+json"
        assert ready.json()["detail"] == "This instance is shutting down; others are serving."
        assert "Retry-After" in ready.headers
        # Still serving while balancers take it out of rotation: liveness, reads and writes all answer.
        assert httpx.get(f"{service.base_url}/health").status_code == 200
        assert httpx.get(tasks, headers=headers).status_code == 200
        assert httpx.post(tasks, json={"title": "while draining"}, headers=headers).status_code == 201

        _until(lambda: _refused(service.base_url), "the drain ends: new connections are refused")
        assert service.process.poll() is None  # still running: the PUT is in flight
        assert in_flight.outcome is None
        lock.commit()  # the row lock goes: the PUT completes

    in_flight.thread.join(timeout=STOP_TIMEOUT_SECONDS)
    assert isinstance(in_flight.outcome, httpx.Response), in_flight.outcome
    assert in_flight.outcome.status_code == 200, in_flight.outcome.text
    assert in_flight.outcome.json()["title"] == "in flight"
    assert service.process.wait(timeout=STOP_TIMEOUT_SECONDS) == 0, service.output()
    service.process = None
    with psycopg.connect(_conninfo(database_url)) as connection:
        titles = connection.execute("SELECT title FROM tasks WHERE user_id = %s ORDER BY id", (user,)).fetchall()
    assert titles == [("in flight",), ("while draining",)]


@req("OPS-4")
def test_a_request_that_never_finishes_does_not_keep_the_process_from_exiting(
    data_dir: Path,
    database_url: str,
    services: list[Service],
    user: str,
) -> None:
    service = _service(data_dir, database_url, DRAIN_SECONDS="0", SHUTDOWN_GRACE_SECONDS="1")
    services.append(service)
    service.start()
    headers = bearer(make_token(user))
    tasks = f"{service.base_url}/api/{user}/tasks"
    created = httpx.post(tasks, json={"title": "stuck"}, headers=headers).json()
    assert service.process is not None

    with _held(database_url, created["id"]):
        in_flight = InFlight(f"{tasks}/{created['id']}", headers)
        _until(lambda: _waiting_on_a_lock(database_url), "the PUT waits on the row lock")
        service.process.send_signal(signal.SIGTERM)
        # The lock is never released while the process stops: it gives the PUT SHUTDOWN_GRACE_SECONDS, then exits.
        assert service.process.wait(timeout=STOP_TIMEOUT_SECONDS) == 0, service.output()
        service.process = None
        in_flight.thread.join(timeout=STOP_TIMEOUT_SECONDS)
    assert "timeout graceful shutdown exceeded" in service.output()
    assert in_flight.outcome is not None
    if isinstance(in_flight.outcome, httpx.Response):  # if an answer got out, it is an error, never a success
        assert in_flight.outcome.status_code >= 500
