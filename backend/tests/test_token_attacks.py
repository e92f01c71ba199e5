"""The token attack suite (RFC 8725, OWASP API2): every crafted or mis-signed token is a 401, never a 500.

Each case is a real token (signed, or crafted byte by byte) sent over HTTP to the running service.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from sqlalchemy.engine import make_url

from app.main import create_app
from tests.helpers import SECRET, client_for, make_settings, make_token
from tests.test_jwks import KeySet, keyset  # noqa: F401  (the JWKS endpoint fixture)

req = pytest.mark.req
VICTIM = "victim"


def b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def crafted(header: Any, payload: Any, key: bytes | None = SECRET.encode(), signature: str | None = None) -> str:
    """A compact JWS assembled by hand: any header and payload, HMAC-SHA256 signed unless a signature is given."""
    signing_input = f"{b64(json.dumps(header))}.{b64(json.dumps(payload))}"
    if signature is None:
        signature = b64(hmac.new(key or b"", signing_input.encode(), hashlib.sha256).digest()) if key else ""
    return f"{signing_input}.{signature}"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {k: v for k, v in ({"sub": VICTIM, "iat": now, "exp": now + 300} | overrides).items() if v is not None}


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
HS256 = {"alg": "HS256", "typ": "JWT"}

# (id, Authorization header value) — 30 distinct attacks on the shared-secret mode.
HEADER_ATTACKS: list[tuple[str, Callable[[], str]]] = [
    ("alg none", lambda: "Bearer " + crafted({"alg": "none"}, claims(), key=None)),
    ("alg None", lambda: "Bearer " + crafted({"alg": "None"}, claims(), key=None)),
    ("alg NONE", lambda: "Bearer " + crafted({"alg": "NONE"}, claims(), key=None)),
    ("alg nOnE", lambda: "Bearer " + crafted({"alg": "nOnE"}, claims(), key=None)),
    ("alg none with a signature", lambda: "Bearer " + crafted({"alg": "none"}, claims())),
    ("alg missing", lambda: "Bearer " + crafted({"typ": "JWT"}, claims())),
    ("HS384 header", lambda: "Bearer " + jwt.encode(claims(), SECRET * 2, algorithm="HS384")),
    ("RS256 token on the secret", lambda: "Bearer " + jwt.encode(claims(), RSA_KEY, algorithm="RS256")),
    ("wrong secret", lambda: "Bearer " + make_token(VICTIM, key="not-the-secret-" + "x" * 40)),
    ("expired", lambda: "Bearer " + make_token(VICTIM, exp=int(time.time()) - 3600)),
    ("nbf in the future", lambda: "Bearer " + make_token(VICTIM, nbf=int(time.time()) + 3600)),
    ("iat far in the future", lambda: "Bearer " + make_token(VICTIM, iat=int(time.time()) + 86400)),
    ("sub missing", lambda: "Bearer " + crafted(HS256, claims(sub=None))),
    ("sub empty", lambda: "Bearer " + crafted(HS256, claims(sub=""))),
    ("sub an integer", lambda: "Bearer " + crafted(HS256, claims(sub=42))),
    ("sub a list", lambda: "Bearer " + crafted(HS256, claims(sub=[VICTIM]))),
    ("sub an object", lambda: "Bearer " + crafted(HS256, claims(sub={"id": VICTIM}))),
    ("sub of 256 characters", lambda: "Bearer " + crafted(HS256, claims(sub="v" * 256))),
    ("exp missing", lambda: "Bearer " + crafted(HS256, claims(exp=None))),
    ("exp a string", lambda: "Bearer " + crafted(HS256, claims(exp="9999999999"))),
    ("exp a list", lambda: "Bearer " + crafted(HS256, claims(exp=[9999999999]))),
    ("exp a 400-digit integer", lambda: "Bearer " + crafted(HS256, claims(exp=10**400))),
    ("exp 1e300", lambda: "Bearer " + crafted(HS256, claims(exp=1e300))),
    ("exp past the year 9999", lambda: "Bearer " + crafted(HS256, claims(exp=253402300800))),
    ("sub outside Latin-1", lambda: "Bearer " + crafted(HS256, claims(sub="日本"))),
    ("sub with a NUL", lambda: "Bearer " + crafted(HS256, claims(sub="vic\x00tim"))),
    ("sub with a slash", lambda: "Bearer " + crafted(HS256, claims(sub="vic/tim"))),
    ("sub with a space", lambda: "Bearer " + crafted(HS256, claims(sub="vic tim"))),
    ("sub a dot-segment", lambda: "Bearer " + crafted(HS256, claims(sub=".."))),
    ("crit with an unknown extension", lambda: "Bearer " + crafted(HS256 | {"crit": ["x-ext"], "x-ext": 1}, claims())),
    ("truncated", lambda: "Bearer " + make_token(VICTIM).rsplit(".", 1)[0]),
    ("signature stripped", lambda: "Bearer " + make_token(VICTIM).rsplit(".", 1)[0] + "."),
    ("four segments", lambda: "Bearer " + make_token(VICTIM) + ".e30"),
    ("five segments (JWE shape)", lambda: "Bearer " + ".".join([b64('{"alg":"dir","enc":"A128GCM"}')] + ["e30"] * 4)),
    ("non-base64 characters", lambda: "Bearer " + make_token(VICTIM).replace(".", ".!", 1)),
    ("header not JSON", lambda: "Bearer " + f"{b64('not json')}.{b64(json.dumps(claims()))}.sig"),
    ("header a JSON array", lambda: "Bearer " + crafted(["HS256"], claims())),
    ("payload a JSON array", lambda: "Bearer " + crafted(HS256, [claims()])),
    ("payload a JSON string", lambda: "Bearer " + crafted(HS256, "victim")),
    ("payload tampered after signing", lambda: "Bearer " + _tamper(make_token("someone-else"))),
    ("16 KB token", lambda: "Bearer " + make_token(VICTIM, padding="p" * 16_000)),
    ("tab after Bearer", lambda: "Bearer\t" + make_token(VICTIM)),
    ("scheme only", lambda: "Bearer"),
    ("Basic scheme", lambda: "Basic " + b64(f"{VICTIM}:password")),
]


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{b64(json.dumps(body | {'sub': VICTIM}))}.{signature}"


@req("SEC-3", "C-AUTH-1", "C-AUTH-4", "C-AUTH-5", "C-AUTH-6", "SC-002")
@pytest.mark.parametrize(("label", "header"), HEADER_ATTACKS, ids=[label for label, _ in HEADER_ATTACKS])
def test_attack_tokens_are_401(client: httpx.Client, label: str, header: Callable[[], str]) -> None:
    response = client.get(f"/api/{VICTIM}/tasks", headers={"Authorization": header()})

    assert response.status_code == 401, (label, response.text)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"


@req("C-AUTH-1", "SC-002")
def test_tokens_outside_the_authorization_header_are_ignored(client: httpx.Client) -> None:
    token = make_token(VICTIM)
    cases = [
        client.get(f"/api/{VICTIM}/tasks", params={"access_token": token}),
        client.get(f"/api/{VICTIM}/tasks", headers={"Cookie": f"access_token={token}; token={token}"}),
        client.get(f"/api/{VICTIM}/tasks", headers={"X-Access-Token": token, "X-Auth-Token": token}),
        client.get(f"/api/{VICTIM}/tasks", headers=[("Authorization", f"Bearer {token}")] * 2),
    ]
    assert [response.status_code for response in cases] == [401] * 4


@req("C-AUTH-7", "SC-003")
def test_a_valid_token_for_another_user_is_403_not_401(client: httpx.Client) -> None:
    response = client.get(f"/api/{VICTIM}/tasks", headers={"Authorization": f"Bearer {make_token('attacker')}"})
    assert response.status_code == 403


@pytest.fixture
def jwks_api(database_url: str, keyset: tuple[KeySet, str]) -> Iterator[tuple[httpx.Client, KeySet]]:  # noqa: F811
    keys, url = keyset
    settings = make_settings(database_url, better_auth_secret=None, better_auth_jwks_url=url)
    with client_for(create_app(settings)) as http:
        yield http, keys


@req("C-AUTH-3", "C-AUTH-4", "SC-002")
def test_jwks_mode_ignores_keys_the_token_brings_along(jwks_api: tuple[httpx.Client, KeySet]) -> None:
    http, keys = jwks_api
    attacker = ed25519.Ed25519PrivateKey.generate()
    attacker_jwk = json.loads(jwt.get_algorithm_by_name("EdDSA").to_jwk(attacker.public_key()))
    cases = {
        "jwk header with the attacker's key": {"kid": "ed", "jwk": attacker_jwk},
        "jku pointing elsewhere": {"kid": "attacker", "jku": "http://127.0.0.1:9/jwks"},
        "x5u pointing elsewhere": {"kid": "attacker", "x5u": "http://127.0.0.1:9/cert"},
    }
    for label, headers in cases.items():
        token = jwt.encode(claims(), attacker, algorithm="EdDSA", headers=headers)
        response = http.get(f"/api/{VICTIM}/tasks", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, label
    # Headers PyJWT cannot even read as a key lookup must be 401s too (they were 500s once).
    odd_headers: dict[str, dict[str, Any]] = {
        "kid an integer": {"kid": 7},
        "kid null": {"kid": None},
        "kid a list": {"kid": ["ed"]},
        "crit with an unknown extension": {"kid": "ed", "crit": ["x-ext"], "x-ext": 1},
    }
    for label, extra in odd_headers.items():
        # Signed by hand with the published key: PyJWT itself refuses to write such headers.
        signing_input = f"{b64(json.dumps({'alg': 'EdDSA'} | extra))}.{b64(json.dumps(claims()))}"
        token = f"{signing_input}.{b64(keys.keys['ed'][0].sign(signing_input.encode()))}"
        response = http.get(f"/api/{VICTIM}/tasks", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, label
    secret_token = make_token(VICTIM)  # a shared-secret token means nothing in JWKS mode
    assert http.get(f"/api/{VICTIM}/tasks", headers={"Authorization": f"Bearer {secret_token}"}).status_code == 401


@req("SEC-3")
def test_the_suite_has_at_least_25_distinct_attacks() -> None:
    assert len({label for label, _ in HEADER_ATTACKS}) >= 25


@req("C-AUTH-9", "SEC-3")
@pytest.mark.parametrize("user_id", ["日本", "vic\x00tim", "a%2Fb", "x" * 300])
def test_a_user_id_outside_the_rule_is_401_on_every_route_and_nothing_is_written(
    client: httpx.Client, database_url: str, user_id: str
) -> None:
    # `日本` was a 500 after the task was inserted (its Location could not be encoded): a retry duplicated it.
    token = crafted(HS256, claims(sub=user_id))
    path = "/api/" + urllib.parse.quote(user_id, safe="") + "/tasks"
    answers = [
        client.post(path, json={"title": "never stored"}, headers={"Authorization": f"Bearer {token}"}),
        client.get(path, headers={"Authorization": f"Bearer {token}"}),
        client.get(f"{path}/1", headers={"Authorization": f"Bearer {token}"}),
    ]
    for answer in answers:
        assert answer.status_code == 401, answer.text
        assert answer.json()["detail"].startswith("The token's sub claim must be 1-255 characters")
    with psycopg.connect(make_url(database_url).set(drivername="postgresql").render_as_string(False)) as db:
        assert db.execute("SELECT count(*) FROM tasks WHERE title = 'never stored'").fetchone() == (0,)


@req("C-AUTH-9", "FR-003")
@pytest.mark.parametrize("user_id", ["Kx8fQ2mZ7pLw0aB1cD2eF3gH4iJ5kL6m", "a.b_c~d-e@f:g+h", "x" * 255])
def test_user_ids_of_the_allowed_alphabet_work_everywhere(client: httpx.Client, user_id: str) -> None:
    auth = {"Authorization": f"Bearer {make_token(user_id)}"}
    created = client.post(f"/api/{user_id}/tasks", json={"title": "kept"}, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["user_id"] == user_id
    assert client.get(created.headers["Location"], headers=auth).json() == created.json()
