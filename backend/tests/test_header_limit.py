"""The request head's size bound (MAX_HEADER_BYTES): 431 while the headers are still arriving, over a real socket."""

import json
import socket
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from app.main import create_app
from tests.helpers import make_settings, make_token, serve
from tests.test_hardening import PRIVATE, parse

req = pytest.mark.req

LIMIT = 4096


@pytest.fixture(scope="module")
def address(app_database_url: str) -> Iterator[tuple[str, int]]:
    app: FastAPI = create_app(make_settings(app_database_url, max_header_bytes=LIMIT))
    with serve(app) as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        yield host, int(port)


def exchange(address: tuple[str, int], data: bytes, chunk: int = 65536) -> tuple[bytes, int]:
    """Send `data` in chunks, reading whatever comes back meanwhile; stop sending once the server has answered and
    hung up. Returns (everything received, bytes sent)."""
    answer, sent = b"", 0
    with socket.create_connection(address, timeout=30) as connection:
        connection.settimeout(0.0)
        closed = False
        while sent < len(data) and not closed:
            try:
                sent += connection.send(data[sent : sent + chunk])
            except BlockingIOError:
                pass
            except (BrokenPipeError, ConnectionResetError):
                break
            try:
                while piece := connection.recv(65536):
                    answer += piece
                closed = True  # an empty read: the server finished its answer
            except BlockingIOError:
                pass
            except ConnectionResetError:
                closed = True
        connection.settimeout(30)
        try:
            while not closed and (piece := connection.recv(65536)):
                answer += piece
        except (TimeoutError, ConnectionResetError):
            pass
    return answer, sent


def head(path: str = "/health", *, padding: int = 0, extra: str = "") -> bytes:
    """A GET whose X-Padding header makes it as long as needed."""
    return f"GET {path} HTTP/1.1\r\nHost: api\r\nX-Padding: {'p' * padding}\r\n{extra}\r\n".encode()


@req("SEC-9", "C-ERR-1")
def test_headers_over_the_limit_are_431_problem_and_the_connection_closes(address: tuple[str, int]) -> None:
    answer, _ = exchange(address, head("/api/alice/tasks", padding=LIMIT))
    status, headers, problem = parse(answer)
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    assert len(headers["x-request-id"]) == 32
    for name, value in PRIVATE.items():
        assert headers[name] == value
    assert problem == {
        "type": "about:blank",
        "title": "Request Header Fields Too Large",
        "status": 431,
        "detail": f"The request line and headers must be at most {LIMIT} bytes in all.",
        "instance": "/api/alice/tasks",
        "code": "headers_too_large",
    }


@req("SEC-9")
def test_a_huge_header_is_refused_while_it_is_still_being_sent(address: tuple[str, int]) -> None:
    # 64 MB that the server would otherwise read (and copy) in full before any middleware could see it.
    data = head(padding=64 << 20)
    answer, sent = exchange(address, data)
    assert parse(answer)[0] == 431
    assert sent < len(data) // 2


@req("SEC-9")
def test_a_huge_url_is_refused_too(address: tuple[str, int]) -> None:
    answer, _ = exchange(address, head("/health?" + "q" * (LIMIT * 4)))
    status, _, problem = parse(answer)
    assert status == 431
    assert problem["instance"] == "/"  # the path itself was too long to repeat


@req("SEC-9", "SC-001")
def test_heads_within_the_limit_and_bodies_of_any_size_are_untouched(address: tuple[str, int]) -> None:
    near = head(padding=LIMIT - 250, extra="Connection: close\r\n")
    assert len(near) < LIMIT
    answer, _ = exchange(address, near)
    assert parse(answer)[0] == 200

    # A 37 KB body (nine times the head's limit) sent in the same packet as its head: it is not a header.
    body = json.dumps({"title": "t", "description": "d" * 900}).encode() * 40
    post = (
        f"POST /api/bob/tasks HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer {make_token('bob')}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    answer, _ = exchange(address, post + body, chunk=1 << 20)
    status, _, problem = parse(answer)
    assert status == 400  # 40 JSON objects in a row: invalid JSON, but read in full
    assert problem["detail"] == "The request is invalid: body is not valid JSON."
