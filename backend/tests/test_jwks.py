"""JWKS mode: tokens from Better Auth's `jwt` plugin, verified with public keys fetched from the frontend."""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from fastapi import FastAPI

from app.main import create_app
from tests.helpers import bearer, client_for, make_settings

req = pytest.mark.req


class KeySet:
    """A JWKS endpoint on a real socket, whose keys a test can rotate."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[Any, str]] = {}  # kid -> (private key, alg)
        self.fetches = 0
        self.down = False  # answer 503, as a frontend does while it restarts

    def add(self, kid: str, private_key: Any, alg: str) -> None:
        self.keys[kid] = (private_key, alg)

    def document(self) -> bytes:
        self.fetches += 1
        jwks = []
        for kid, (private_key, alg) in self.keys.items():
            jwk = json.loads(jwt.get_algorithm_by_name(alg).to_jwk(private_key.public_key()))
            jwks.append(jwk | {"kid": kid, "alg": alg})
        return json.dumps({"keys": jwks}).encode()

    def token(self, kid: str, sub: str, **claims: Any) -> str:
        private_key, alg = self.keys[kid]
        now = int(time.time())
        payload = {"sub": sub, "iat": now, "exp": now + 300} | claims
        return jwt.encode(payload, private_key, algorithm=alg, headers={"kid": kid})


@pytest.fixture
def keyset() -> Iterator[tuple[KeySet, str]]:
    keys = KeySet()
    keys.add("ed", ed25519.Ed25519PrivateKey.generate(), "EdDSA")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if keys.down:
                self.send_error(503)
                return
            body = keys.document()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield keys, f"http://127.0.0.1:{server.server_address[1]}/api/auth/jwks"
    server.shutdown()
    server.server_close()


@pytest.fixture(params=[0.0])
def jwks_client(
    request: pytest.FixtureRequest, database_url: str, keyset: tuple[KeySet, str]
) -> Iterator[tuple[httpx.Client, KeySet]]:
    """The API in JWKS mode; the refetch cooldown is the param (0: every unknown kid refetches)."""
    keys, url = keyset
    settings = make_settings(
        database_url,
        better_auth_secret=None,
        better_auth_jwks_url=url,
        jwks_refetch_cooldown_seconds=request.param,
    )
    app: FastAPI = create_app(settings)
    with client_for(app) as http:
        yield http, keys


@req("C-AUTH-3", "FR-003", "SC-001")
@pytest.mark.parametrize(
    ("alg", "make_key"),
    [
        ("EdDSA", ed25519.Ed25519PrivateKey.generate),
        ("ES256", lambda: ec.generate_private_key(ec.SECP256R1())),
        ("RS256", lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        ("PS256", lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    ],
)
def test_tokens_signed_by_a_published_key_are_accepted(
    jwks_client: tuple[httpx.Client, KeySet], alg: str, make_key: Any
) -> None:
    http, keys = jwks_client
    keys.add(alg, make_key(), alg)
    token = keys.token(alg, "jwks-user", iss="http://localhost:3000", aud="http://localhost:3000")

    created = http.post("/api/jwks-user/tasks", json={"title": "via jwks"}, headers=bearer(token))

    assert created.status_code == 201, created.text
    assert created.json()["user_id"] == "jwks-user"


@req("C-AUTH-3")
def test_a_new_key_is_picked_up_by_refetching_on_an_unknown_kid(jwks_client: tuple[httpx.Client, KeySet]) -> None:
    http, keys = jwks_client
    assert http.get("/api/rot/tasks", headers=bearer(keys.token("ed", "rot"))).status_code == 200
    fetches = keys.fetches

    keys.add("ed-2", ed25519.Ed25519PrivateKey.generate(), "EdDSA")  # rotation on the frontend
    response = http.get("/api/rot/tasks", headers=bearer(keys.token("ed-2", "rot")))

    assert response.status_code == 200
    assert keys.fetches == fetches + 1


@req("C-AUTH-3", "FE-6")
def test_known_keys_keep_working_while_the_key_set_is_down(database_url: str, keyset: tuple[KeySet, str]) -> None:
    keys, url = keyset
    settings = make_settings(database_url, better_auth_secret=None, better_auth_jwks_url=url, jwks_cache_seconds=1)
    app = create_app(settings)
    now = [1000.0]
    app.state.verifier.key_set.clock = lambda: now[0]  # time moves when the test says so
    with client_for(app) as http:
        assert http.get("/api/down/tasks", headers=bearer(keys.token("ed", "down"))).status_code == 200
        keys.down = True
        now[0] += 2  # past the key set's cache lifetime: a refresh is due, and fails

        known = http.get("/api/down/tasks", headers=bearer(keys.token("ed", "down", jti="2")))
        keys.add("ed-new", ed25519.Ed25519PrivateKey.generate(), "EdDSA")
        unknown = http.get("/api/down/tasks", headers=bearer(keys.token("ed-new", "down")))

    assert known.status_code == 200  # the last set the endpoint published still verifies its keys
    assert unknown.status_code == 503  # a new key cannot be fetched yet: retry later, not "invalid token"
    assert unknown.headers["Retry-After"].isdigit()


def _hs256_forged(claims: dict[str, Any], key: str, kid: str) -> str:
    """Algorithm confusion, by hand (PyJWT itself refuses to HMAC with a public key)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps({'alg': 'HS256', 'kid': kid}).encode())}.{part(json.dumps(claims).encode())}"
    signature = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


@req("C-AUTH-3", "C-AUTH-4", "SC-002")
def test_keys_and_algorithms_the_key_set_does_not_vouch_for_are_401(
    jwks_client: tuple[httpx.Client, KeySet],
) -> None:
    http, keys = jwks_client
    ed_private = keys.keys["ed"][0]
    public_jwk = jwt.get_algorithm_by_name("EdDSA").to_jwk(ed_private.public_key())
    now = int(time.time())
    claims = {"sub": "victim", "iat": now, "exp": now + 300}
    stranger = ed25519.Ed25519PrivateKey.generate()
    attacks = {
        "unknown kid": jwt.encode(claims, stranger, algorithm="EdDSA", headers={"kid": "nope"}),
        "known kid, other key": jwt.encode(claims, stranger, algorithm="EdDSA", headers={"kid": "ed"}),
        "HS256 keyed with the public key": _hs256_forged(claims, public_jwk, kid="ed"),
        "alg none": jwt.encode(claims, "", algorithm="none", headers={"kid": "ed"}),
        "no kid": jwt.encode(claims, ed_private, algorithm="EdDSA"),
        "expired": keys.token("ed", "victim", exp=now - 60),
    }
    for label, token in attacks.items():
        response = http.get("/api/victim/tasks", headers=bearer(token))
        assert response.status_code == 401, label
        assert response.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"'), label


@req("C-AUTH-3")
@pytest.mark.parametrize("jwks_client", [60.0], indirect=True)
def test_unknown_kids_refetch_the_key_set_at_most_once_per_cooldown(jwks_client: tuple[httpx.Client, KeySet]) -> None:
    http, keys = jwks_client
    stranger = ed25519.Ed25519PrivateKey.generate()
    assert http.get("/api/u/tasks", headers=bearer(keys.token("ed", "u"))).status_code == 200
    fetches = keys.fetches

    for n in range(5):
        token = jwt.encode({"sub": "u", "exp": int(time.time()) + 60}, stranger, "EdDSA", {"kid": f"junk-{n}"})
        assert http.get("/api/u/tasks", headers=bearer(token)).status_code == 401

    assert keys.fetches <= fetches + 1


@req("C-AUTH-3", "C-ERR-4")
def test_an_unreachable_key_set_is_503_not_401(database_url: str) -> None:
    settings = make_settings(database_url, better_auth_secret=None, better_auth_jwks_url="http://127.0.0.1:9/jwks")
    token = jwt.encode(
        {"sub": "u", "exp": int(time.time()) + 60}, ed25519.Ed25519PrivateKey.generate(), "EdDSA", {"kid": "k"}
    )
    with client_for(create_app(settings)) as http:
        response = http.get("/api/u/tasks", headers=bearer(token))

    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["content-type"] == "application/problem+json"
