"""JWKS mode against a key set that changes, fails, is slow or huge: a real endpoint on a socket, real tokens, and
a clock the tests move forward (app.core.jwks.KeySet.clock) instead of waiting for time to pass."""

import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from app.main import create_app
from tests.helpers import bearer, client_for, make_settings
from tests.test_jwks import KeySet

req = pytest.mark.req


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Endpoint(KeySet):
    """The frontend's JWKS endpoint, which a test can make fail in the ways a real one does."""

    def __init__(self) -> None:
        super().__init__()
        self.mode = "ok"  # ok | down | body | trickle | endless | declared | hang
        self.body = b""
        self.asked = threading.Event()  # a request arrived
        self.release = threading.Event()  # `hang` answers once this is set
        self.cut = threading.Event()  # the API hung up before the whole answer was written


@pytest.fixture
def endpoint() -> Iterator[tuple[Endpoint, str]]:
    keys = Endpoint()
    keys.add("ed", ed25519.Ed25519PrivateKey.generate(), "EdDSA")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            keys.asked.set()
            try:
                self._answer()
            except (BrokenPipeError, ConnectionResetError):
                keys.cut.set()

        def _answer(self) -> None:
            if keys.mode == "down":
                keys.fetches += 1
                self.send_error(503)
                return
            if keys.mode == "hang":
                keys.release.wait(30)
            body = keys.document() if keys.mode in ("ok", "hang") else keys.body
            if keys.mode in ("body", "ok", "hang"):
                self._send(body, len(body))
            elif keys.mode == "declared":  # a length far over the cap: refused before any of it is read
                self._send(b"", 10**9)
            elif keys.mode == "trickle":  # a byte at a time, slower than any deadline
                self._send(b"", 10_000)
                for _ in range(10_000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.02)
            elif keys.mode == "endless":  # no length, and no end
                self._send(b'{"keys": [' + b" " * 65536, None)
                for _ in range(10_000):
                    self.wfile.write(b" " * 65536)

        def _send(self, body: bytes, length: int | None) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json" if keys.mode != "body" else "text/html")
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield keys, f"http://127.0.0.1:{server.server_address[1]}/api/auth/jwks"
    keys.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def api(
    request: pytest.FixtureRequest, database_url: str, endpoint: tuple[Endpoint, str]
) -> Iterator[tuple[httpx.Client, Endpoint, Clock]]:
    """The API in JWKS mode with the default cache and cooldown (300 s, 10 s), on a clock of the test's; an indirect
    parameter overrides settings."""
    keys, url = endpoint
    overrides = getattr(request, "param", {})
    settings = make_settings(database_url, better_auth_secret=None, better_auth_jwks_url=url, **overrides)
    app = create_app(settings)
    clock = Clock()
    app.state.verifier.key_set.clock = clock
    with client_for(app) as http:
        yield http, keys, clock


def token(keys: KeySet, kid: str, sub: str = "u") -> str:
    return keys.token(kid, sub, jti=secrets.token_hex(8))  # a new token each time: none is remembered


def stranger(kid: str) -> str:
    key = ed25519.Ed25519PrivateKey.generate()
    return jwt.encode({"sub": "u", "exp": int(time.time()) + 60}, key, "EdDSA", {"kid": kid})


def tasks(http: httpx.Client, bearer_token: str) -> httpx.Response:
    return http.get("/api/u/tasks", headers=bearer(bearer_token))


@req("SEC-10", "C-AUTH-3")
def test_a_key_withdrawn_from_the_set_stops_verifying_once_the_cache_expires(
    api: tuple[httpx.Client, Endpoint, Clock],
) -> None:
    http, keys, clock = api
    assert tasks(http, token(keys, "ed")).status_code == 200
    withdrawn = keys.keys.pop("ed")
    keys.add("ed-2", ed25519.Ed25519PrivateKey.generate(), "EdDSA")  # the frontend rotated: only the new key
    fetches = keys.fetches

    clock.now += 301  # past JWKS_CACHE_SECONDS
    keys.keys["ed"] = withdrawn  # (only to sign with it here: the endpoint must not publish it)
    signed_by_withdrawn = token(keys, "ed")
    del keys.keys["ed"]
    assert tasks(http, signed_by_withdrawn).status_code == 401
    assert keys.fetches == fetches + 1  # the stale set was refreshed
    assert tasks(http, token(keys, "ed-2")).status_code == 200
    assert keys.fetches == fetches + 1


@req("SEC-10", "C-AUTH-3")
def test_a_new_key_published_under_an_old_kid_verifies_once_the_cache_expires(
    api: tuple[httpx.Client, Endpoint, Clock],
) -> None:
    http, keys, clock = api
    assert tasks(http, token(keys, "ed")).status_code == 200
    old_key = keys.keys["ed"][0]
    keys.add("ed", ed25519.Ed25519PrivateKey.generate(), "EdDSA")  # same kid, new key

    clock.now += 301
    assert tasks(http, token(keys, "ed")).status_code == 200
    signed_by_old = jwt.encode({"sub": "u", "exp": int(time.time()) + 60}, old_key, "EdDSA", {"kid": "ed"})
    assert tasks(http, signed_by_old).status_code == 401


@req("SEC-11", "C-AUTH-3", "C-ERR-4")
def test_a_failing_endpoint_is_asked_at_most_once_per_cooldown(api: tuple[httpx.Client, Endpoint, Clock]) -> None:
    http, keys, clock = api
    keys.mode = "down"
    answers = [tasks(http, stranger(f"junk-{n}")) for n in range(20)]
    assert {answer.status_code for answer in answers} == {503}  # no set was ever fetched: unknown, not invalid
    assert all(answer.headers["Retry-After"].isdigit() for answer in answers)
    assert keys.fetches == 1

    clock.now += 10  # JWKS_REFETCH_COOLDOWN_SECONDS later, one more try
    keys.mode = "ok"
    assert tasks(http, token(keys, "ed")).status_code == 200
    assert keys.fetches == 2


@req("SEC-11", "C-AUTH-3")
@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"<!doctype html><title>Sign in</title>", 503),  # a login page or an error page: no key set
        (b'{"error": "not found"}', 503),
        (b"[]", 503),
        (b'{"keys": []}', 401),  # a published set without keys: no token verifies
        (b'{"keys": [{"kty": "nope", "kid": "ed"}, {"kid": "x"}, 7]}', 401),  # nothing usable in it
    ],
    ids=["html", "other-json", "array", "empty", "unusable"],
)
def test_a_document_that_is_not_a_key_set_is_503_and_a_set_without_the_key_401(
    api: tuple[httpx.Client, Endpoint, Clock], body: bytes, status: int
) -> None:
    http, keys, _ = api
    keys.mode, keys.body = "body", body
    answer = tasks(http, token(keys, "ed"))
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


@req("SEC-11", "C-AUTH-3")
@pytest.mark.parametrize("api", [{"jwks_fetch_timeout_seconds": 0.5}], indirect=True)
def test_a_key_set_sent_slowly_is_cut_off_at_the_total_deadline(api: tuple[httpx.Client, Endpoint, Clock]) -> None:
    http, keys, _ = api
    keys.mode = "trickle"  # each byte arrives well within any per-read timeout; the whole would take 200 s
    assert tasks(http, token(keys, "ed")).status_code == 503
    assert keys.cut.wait(10)  # the API hung up on it


@req("SEC-11", "C-AUTH-3")
@pytest.mark.parametrize("api", [{"jwks_max_bytes": 4096}], indirect=True)
@pytest.mark.parametrize("mode", ["declared", "endless"])
def test_a_key_set_over_the_size_cap_is_refused_without_reading_it(
    api: tuple[httpx.Client, Endpoint, Clock], mode: str
) -> None:
    http, keys, _ = api
    keys.mode = mode
    assert tasks(http, token(keys, "ed")).status_code == 503
    if mode == "endless":
        assert keys.cut.wait(10)  # stopped reading after the cap: the endpoint could not write the rest


@req("SEC-11", "C-AUTH-3")
@pytest.mark.parametrize("api", [{"jwks_refetch_cooldown_seconds": 0}], indirect=True)
def test_a_valid_token_never_waits_for_a_slow_fetch(api: tuple[httpx.Client, Endpoint, Clock]) -> None:
    http, keys, _ = api
    assert tasks(http, token(keys, "ed")).status_code == 200
    fetches = keys.fetches
    keys.mode = "hang"
    keys.asked.clear()
    pending: list[httpx.Response] = []
    fetching = threading.Thread(target=lambda: pending.append(tasks(http, stranger("new-kid"))))
    fetching.start()
    assert keys.asked.wait(10)  # that request is now fetching the set, and the endpoint holds it

    valid = tasks(http, token(keys, "ed"))
    unknown = tasks(http, stranger("another-new-kid"))
    assert fetching.is_alive()  # both were answered while the fetch is still held
    assert (valid.status_code, unknown.status_code) == (200, 401)

    keys.release.set()
    fetching.join(30)
    assert pending[0].status_code == 401  # the refreshed set does not have it either
    assert keys.fetches == fetches + 1  # one fetch in all: the others did not queue behind it


@req("SEC-10", "C-AUTH-8")
def test_a_remembered_token_of_a_withdrawn_key_is_refused_once_the_cache_expires(
    api: tuple[httpx.Client, Endpoint, Clock],
) -> None:
    # The same token, verified once and remembered: remembering it must not outlive the set that vouched for it.
    http, keys, clock = api
    remembered = token(keys, "ed")
    assert tasks(http, remembered).status_code == 200
    assert tasks(http, remembered).status_code == 200
    del keys.keys["ed"]
    keys.add("ed-2", ed25519.Ed25519PrivateKey.generate(), "EdDSA")

    clock.now += 301
    assert tasks(http, remembered).status_code == 401
