"""Security headers on every answer, and slow clients cut off: real sockets, a real server, real tokens."""

import json
import os
import socket
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from app.ops.serve import use_dev_secret
from tests.helpers import bearer, client_for, make_settings, make_token, serve

req = pytest.mark.req

PRIVATE = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}


def assert_private(response: httpx.Response) -> None:
    for name, value in PRIVATE.items():
        assert response.headers.get(name) == value, (response.request.method, response.request.url, name)


@req("SEC-5", "C-ERR-1")
def test_every_answer_is_private_and_unsniffable(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    created = client.post(f"/api/{user}/tasks", json={"title": "private"}, headers=auth)
    assert created.status_code == 201
    task = f"/api/{user}/tasks/{created.json()['id']}"
    answers = [
        created,
        client.get(f"/api/{user}/tasks", headers=auth),
        client.get(task, headers=auth),
        client.put(task, json={"title": "still private"}, headers=auth),
        client.patch(f"{task}/complete", headers=auth),
        client.delete(task, headers=auth),
        client.get(f"/api/{user}/tasks"),  # 401
        client.get("/api/other/tasks", headers=auth),  # 403
        client.get(task, headers=auth),  # 404
        client.post(task, headers=auth),  # 405
        client.post(f"/api/{user}/tasks", json={"title": ""}, headers=auth),  # 400
        client.post(f"/api/{user}/tasks", content=b"{" + b" " * 70_000 + b"}", headers=auth),  # 413
        client.options(  # CORS preflight
            f"/api/{user}/tasks",
            headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"},
        ),
        client.get("/health"),
    ]
    for response in answers:
        assert_private(response)


@req("SEC-5", "C-ERR-3")
def test_a_500_carries_the_security_headers_too(database_url: str) -> None:
    app = create_app(make_settings(database_url))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with client_for(app) as http:
        response = http.get("/boom")
    assert response.status_code == 500
    assert_private(response)


@pytest.fixture(scope="module")
def slow_server(app_database_url: str) -> Iterator[tuple[str, int]]:
    """A server whose bodies must arrive within one second."""
    app: FastAPI = create_app(make_settings(app_database_url, body_timeout_seconds=1.0))
    with serve(app) as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        yield host, int(port)


def trickle(address: tuple[str, int], head: str, body: bytes, every: float) -> tuple[bytes, int]:
    """Send `head`, then `body` one byte every `every` seconds while reading; return (answer, bytes sent)."""
    with socket.create_connection(address, timeout=30) as connection:
        connection.sendall(head.encode())
        connection.setblocking(False)
        answer, sent = b"", 0
        closed = False
        while not closed and sent < len(body):
            try:
                connection.send(body[sent : sent + 1])
                sent += 1
            except (BrokenPipeError, ConnectionResetError):
                break
            until = time.monotonic() + every
            while time.monotonic() < until:
                try:
                    chunk = connection.recv(65536)
                except BlockingIOError:
                    time.sleep(0.02)
                    continue
                except ConnectionResetError:
                    closed = True
                    break
                if not chunk:
                    closed = True
                    break
                answer += chunk
        if not closed:  # the whole body went out: read what comes back, up to the server closing
            connection.setblocking(True)
            try:
                while chunk := connection.recv(65536):
                    answer += chunk
            except (TimeoutError, ConnectionResetError):
                pass
        return answer, sent


def parse(answer: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, json.loads(body) if body else None


@req("SEC-6", "C-ERR-1")
def test_a_body_trickled_slower_than_the_deadline_is_cut_off_with_408(slow_server: tuple[str, int], user: str) -> None:
    body = json.dumps({"title": "x" * 40}).encode()
    head = (
        f"POST /api/{user}/tasks HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer {make_token(user)}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    answer, sent = trickle(slow_server, head, body, every=0.25)  # the whole body would take ~13 s
    status, headers, problem = parse(answer)
    assert status == 408
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"  # the server hangs up: the client cannot go on trickling
    assert problem["detail"] == "The request body did not arrive within 1 seconds."
    assert sent < len(body)  # cut off before the client was done


@req("SEC-6")
def test_a_chunked_body_is_under_the_same_deadline(slow_server: tuple[str, int], user: str) -> None:
    chunks = b"".join(b"1\r\n" + bytes([byte]) + b"\r\n" for byte in json.dumps({"title": "y" * 20}).encode())
    head = (
        f"POST /api/{user}/tasks HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer {make_token(user)}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer, sent = trickle(slow_server, head, chunks + b"0\r\n\r\n", every=0.1)
    assert parse(answer)[0] == 408
    assert sent < len(chunks)


@req("SEC-6", "C-ERR-5")
def test_an_answer_before_the_body_closes_the_connection(slow_server: tuple[str, int], user: str) -> None:
    # Refused at once (413 declared), the client must not be able to keep uploading into a kept-alive connection.
    head = (
        f"POST /api/{user}/tasks HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer {make_token(user)}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {10 << 20}\r\n\r\n"
    )
    answer, sent = trickle(slow_server, head, b"x" * 10_000, every=0.01)
    status, headers, _ = parse(answer)
    assert status == 413
    assert headers["connection"] == "close"
    assert sent < 10_000


@req("SEC-6", "SC-001")
def test_a_prompt_client_is_untouched_and_keeps_its_connection(client: httpx.Client, user: str) -> None:
    first = client.post(f"/api/{user}/tasks", json={"title": "quick"}, headers=bearer(make_token(user)))
    second = client.get(f"/api/{user}/tasks", headers=bearer(make_token(user)))
    assert (first.status_code, second.status_code) == (201, 200)
    assert "connection" not in first.headers  # keep-alive as usual


@req("C-OPS-3", "SEC-7")
def test_the_development_secret_is_never_readable_by_others_not_even_briefly(tmp_path: Path) -> None:
    # Python's audit hooks see every file operation: at each one after the secret file exists, record its mode.
    # Writing it first and narrowing its mode afterwards (a window in which others can read it) shows up here.
    secret_file = tmp_path / "dev-secret"
    modes: list[int] = []
    watching = True

    def watch(event: str, args: tuple[object, ...]) -> None:
        if watching and event in {"open", "os.chmod", "os.rename", "os.replace"} and secret_file.exists():
            modes.append(stat.S_IMODE(secret_file.stat().st_mode))

    sys.addaudithook(watch)  # cannot be removed: `watching` turns it off
    old_umask = os.umask(0o022)
    saved = {name: os.environ.pop(name, None) for name in ("BETTER_AUTH_SECRET", "BETTER_AUTH_JWKS_URL")}
    try:
        use_dev_secret(tmp_path)
    finally:
        watching = False
        os.umask(old_umask)
        generated = os.environ.pop("BETTER_AUTH_SECRET", "")
        os.environ.update({name: value for name, value in saved.items() if value is not None})
    assert len(generated) >= 32
    assert modes
    assert all(mode == 0o600 for mode in modes), [oct(mode) for mode in modes]
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600


@req("SEC-12", "C-ERR-1")
def test_the_trailing_slash_redirect_is_relative_and_ignores_host(client: httpx.Client) -> None:
    # It was `307 Location: http://evil.example/api/alice/tasks`: an absolute URL built from the client's Host.
    for path, location in [
        ("/api/alice/tasks/?done=1", "/api/alice/tasks?done=1"),
        ("/api/alice/tasks/7/", "/api/alice/tasks/7"),
        ("/api/al%20ice/tasks/", "/api/al%20ice/tasks"),  # the path as sent, still encoded
        ("/health/", "/health"),
    ]:
        response = client.get(path, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
        assert (response.status_code, response.headers["location"]) == (307, location), path
        assert_private(response)
    # A path that would become protocol-relative (`//evil.example`) is never a redirect: sent as is, on a socket.
    host, port = str(client.base_url).removeprefix("http://").rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET //evil.example/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        answer = b"".join(iter(lambda: connection.recv(65536), b""))
    status, headers, _ = parse(answer)
    assert (status, headers.get("location")) == (404, None)
