"""Authentication: who may call, with what token, and what a refusal looks like (401 vs 403)."""

import time
from typing import Any

import httpx
import jwt
import pytest

from tests.helpers import SECRET, bearer, client_for, make_settings, make_token

req = pytest.mark.req


def assert_unauthorized(response: httpx.Response, *, token_sent: bool = True) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer")
    assert ('error="invalid_token"' in challenge) is token_sent
    body = response.json()
    assert body["status"] == 401
    assert body["title"] == "Unauthorized"
    assert body["detail"]


def _every_route(user: str) -> list[tuple[str, str]]:
    return [
        ("GET", f"/api/{user}/tasks"),
        ("POST", f"/api/{user}/tasks"),
        ("GET", f"/api/{user}/tasks/1"),
        ("PUT", f"/api/{user}/tasks/1"),
        ("DELETE", f"/api/{user}/tasks/1"),
        ("PATCH", f"/api/{user}/tasks/1/complete"),
    ]


@req("FR-002", "SC-002", "C-AUTH-6")
def test_every_task_route_refuses_a_request_without_a_token(client: httpx.Client, user: str) -> None:
    for method, path in _every_route(user):
        assert_unauthorized(client.request(method, path, json={"title": "x"}), token_sent=False)


@req("FR-002", "FR-003", "SC-002", "C-AUTH-6")
def test_every_task_route_refuses_an_expired_token(client: httpx.Client, user: str) -> None:
    expired = bearer(make_token(user, iat=int(time.time()) - 600, exp=int(time.time()) - 60))
    for method, path in _every_route(user):
        response = client.request(method, path, json={"title": "x"}, headers=expired)
        assert_unauthorized(response)
        assert "expired" in response.json()["detail"]


@req("FR-003", "SC-002", "C-AUTH-1", "C-AUTH-6")
@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwYXNz",  # wrong scheme
        "Token abc.def.ghi",
        "Bearer",  # scheme, no token
        "Bearer  " + make_token("someone"),  # two spaces
        "Bearer " + make_token("someone") + " " + make_token("someone"),  # two tokens
        "Bearer not-a-jwt",
        "Bearer a.b.c",  # garbage in JWT form
        "Bearer " + make_token("someone") + "x",  # signature altered
        "Bearer " + "a" * 9000 + ".b.c",  # oversized
    ],
    ids=["basic", "token-scheme", "bare", "two-spaces", "two-tokens", "garbage", "abc", "tampered", "huge"],
)
def test_malformed_authorization_headers_are_401(client: httpx.Client, header: str) -> None:
    response = client.get("/api/someone/tasks", headers={"Authorization": header})
    sent = header.startswith("Bearer") and bool(header.partition(" ")[2].strip())
    assert_unauthorized(response, token_sent=sent)


@req("FR-003", "SC-002", "C-AUTH-2", "C-AUTH-5")
@pytest.mark.parametrize(
    ("label", "token"),
    [
        ("wrong secret", make_token("someone", key="another-secret-" + "z" * 40)),
        ("missing sub", make_token(None)),
        ("empty sub", make_token("")),
        ("numeric sub", make_token(42)),
        ("missing exp", make_token("someone", exp=None)),
        ("exp not a number", make_token("someone", exp="tomorrow")),
        ("not yet valid", make_token("someone", nbf=int(time.time()) + 3600)),
        ("issued in the future", make_token("someone", iat=int(time.time()) + 3600)),
        ("alg none", jwt.encode({"sub": "someone", "exp": int(time.time()) + 60}, "", algorithm="none")),
        ("HS512", make_token("someone", key=SECRET * 2, algorithm="HS512")),
    ],
)
def test_invalid_tokens_are_401(client: httpx.Client, label: str, token: str) -> None:
    assert_unauthorized(client.get("/api/someone/tasks", headers=bearer(token)))


@req("C-AUTH-1")
@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_the_scheme_name_is_case_insensitive(client: httpx.Client, user: str, scheme: str) -> None:
    response = client.get(f"/api/{user}/tasks", headers={"Authorization": f"{scheme} {make_token(user)}"})
    assert response.status_code == 200


@req("C-AUTH-1")
def test_tokens_elsewhere_than_the_header_are_ignored(client: httpx.Client, user: str) -> None:
    token = make_token(user)
    in_query = client.get(f"/api/{user}/tasks", params={"access_token": token, "token": token})
    in_cookie = httpx.get(f"{client.base_url}/api/{user}/tasks", cookies={"access_token": token, "token": token})
    assert_unauthorized(in_query, token_sent=False)
    assert_unauthorized(in_cookie, token_sent=False)


@req("C-AUTH-1")
def test_two_authorization_headers_are_401(client: httpx.Client, user: str) -> None:
    token = make_token(user)
    headers = [("Authorization", f"Bearer {token}"), ("Authorization", f"Bearer {token}")]
    assert_unauthorized(client.get(f"/api/{user}/tasks", headers=headers))


@req("C-AUTH-5")
def test_clock_skew_within_the_leeway_is_accepted(client: httpx.Client, user: str) -> None:
    now = int(time.time())
    token = make_token(user, iat=now + 2, nbf=now + 2, exp=now + 60)
    assert client.get(f"/api/{user}/tasks", headers=bearer(token)).status_code == 200


@req("C-AUTH-8", "FR-002")
def test_a_remembered_token_is_refused_once_it_expires(database_url: str, user: str) -> None:
    from app.main import create_app

    token = bearer(make_token(user, exp=int(time.time()) + 2))
    with client_for(create_app(make_settings(database_url, jwt_leeway_seconds=0))) as http:
        first = [http.get(f"/api/{user}/tasks", headers=token).status_code for _ in range(3)]  # verified, remembered
        time.sleep(
            max(0.0, jwt.decode(token["Authorization"][7:], options={"verify_signature": False})["exp"] - time.time())
            + 0.2
        )
        after = http.get(f"/api/{user}/tasks", headers=token)

    assert first == [200, 200, 200]
    assert_unauthorized(after)
    assert "expired" in after.json()["detail"]


@req("FR-004", "C-AUTH-7", "SC-003")
def test_a_valid_token_for_another_user_is_403(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    for method, path in _every_route("somebody-else"):
        response = client.request(method, path, json={"title": "x"}, headers=auth)
        assert response.status_code == 403, (method, path)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 403


@req("C-AUTH-5")
def test_the_user_id_claim_issuer_and_audience_are_configurable(database_url: str) -> None:
    settings = make_settings(
        database_url, jwt_user_id_claim="user_id", jwt_issuer="http://frontend", jwt_audience="todo-api"
    )
    from app.main import create_app

    good: dict[str, Any] = {"user_id": "u-claims", "iss": "http://frontend", "aud": "todo-api"}
    with client_for(create_app(settings)) as http:
        assert http.get("/api/u-claims/tasks", headers=bearer(make_token(None, **good))).status_code == 200
        for bad in ({"iss": "http://evil"}, {"aud": "other"}, {"iss": None}, {"aud": None}, {"user_id": None}):
            token = make_token("u-claims", **(good | bad))  # `sub` alone no longer identifies the user
            assert_unauthorized(http.get("/api/u-claims/tasks", headers=bearer(token)))


@req("C-AUTH-2")
def test_an_audience_in_the_token_is_fine_when_none_is_configured(client: httpx.Client, user: str) -> None:
    # Better Auth always sets `aud`; without JWT_AUDIENCE configured it must not be a reason to refuse.
    token = make_token(user, aud="http://localhost:3000", iss="http://localhost:3000")
    assert client.get(f"/api/{user}/tasks", headers=bearer(token)).status_code == 200


@req("C-OPS-3")
@pytest.mark.parametrize("secret", [None, "", "short-secret"])
def test_settings_refuse_a_missing_or_weak_secret(secret: str | None) -> None:
    from app.core.settings import Settings

    with pytest.raises(ValueError, match="BETTER_AUTH_SECRET"):
        Settings(_env_file=None, database_url="postgresql://x/y", better_auth_secret=secret)
    assert SECRET not in str(Settings(_env_file=None, better_auth_secret=SECRET))
