"""One error shape everywhere (RFC 9457), request ids, and what the service says when its database is gone."""

import logging

import httpx
import pytest
from fastapi import FastAPI

from app.docs.openapi import problem_codes
from app.http.cors import _vary_by_origin
from app.main import create_app
from tests.helpers import SECRET, bearer, client_for, make_settings, make_token

req = pytest.mark.req

PROBLEM_KEYS = {"type", "title", "status", "code", "detail", "instance"}


def assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["instance"] == response.request.url.path
    assert body["code"] in problem_codes(), body["code"]


@req("C-ERR-1", "FR-014")
def test_unknown_routes_and_wrong_methods_are_problems(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    assert_problem(client.get("/no/such/route"), 404)
    assert_problem(client.get("/api"), 404)
    wrong_method = client.post(f"/api/{user}/tasks/1", headers=auth)
    assert_problem(wrong_method, 405)
    assert {"GET", "PUT", "DELETE"} <= set(wrong_method.headers["Allow"].split(", "))  # every method, RFC 9110


@req("C-ERR-1", "C-AUTH-6", "FR-013")
def test_auth_and_not_found_errors_share_the_shape(client: httpx.Client, user: str, auth: dict[str, str]) -> None:
    assert_problem(client.get(f"/api/{user}/tasks"), 401)
    assert_problem(client.get("/api/other/tasks", headers=auth), 403)
    missing = client.get(f"/api/{user}/tasks/123456789", headers=auth)
    assert_problem(missing, 404)
    assert missing.json()["detail"] == "Task 123456789 was not found."


@req("C-ERR-3")
def test_an_unexpected_failure_is_a_500_problem_with_a_request_id_and_no_internals(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(make_settings(database_url))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError(f"internal detail: SELECT * FROM secrets WHERE key = '{SECRET}'")

    with client_for(app) as http, caplog.at_level(logging.ERROR):
        response = http.get("/boom", headers={"X-Request-ID": "req-500-test"})

    assert_problem(response, 500)
    assert response.json()["request_id"] == "req-500-test"
    assert response.headers["X-Request-ID"] == "req-500-test"
    for leak in ("SELECT", "secrets", SECRET, "Traceback", "RuntimeError"):
        assert leak not in response.text
    assert any("internal detail" in (record.exc_text or "") for record in caplog.records)  # but the log has it


@req("C-ERR-4", "C-HEALTH-1")
def test_an_unreachable_database_is_503_with_retry_after_never_500(user: str) -> None:
    # Port 9 (discard) on loopback: nothing listens, so every connection is refused at once.
    app: FastAPI = create_app(make_settings("postgresql://postgres@127.0.0.1:9/none", db_connect_retry_seconds=0.3))

    with client_for(app) as http:
        task_route = http.get(f"/api/{user}/tasks", headers=bearer(make_token(user)))
        ready = http.get("/health/ready")
        alive = http.get("/health")

    for response in (task_route, ready):
        assert_problem(response, 503)
        assert int(response.headers["Retry-After"]) > 0
        assert "127.0.0.1" not in response.text
    assert alive.status_code == 200


@req("C-HEALTH-1")
def test_health_routes_need_no_token(client: httpx.Client) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/health/ready").json() == {"status": "ready"}


@req("C-OPS-1")
def test_request_ids_are_kept_when_sane_and_made_otherwise(client: httpx.Client) -> None:
    kept = client.get("/health", headers={"X-Request-ID": "abc-123.def"})
    made = client.get("/health")
    replaced = client.get("/health", headers={"X-Request-ID": "evil\tinjected" + "x" * 200})

    assert kept.headers["X-Request-ID"] == "abc-123.def"
    assert len(made.headers["X-Request-ID"]) == 32
    assert replaced.headers["X-Request-ID"] != "evil\tinjected" + "x" * 200
    assert made.headers["X-Request-ID"] != replaced.headers["X-Request-ID"]


@req("C-OPS-2")
def test_cors_allows_the_frontend_origin_only(client: httpx.Client, user: str) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    allowed = client.options(f"/api/{user}/tasks", headers={"Origin": "http://localhost:3000"} | preflight)
    refused = client.options(f"/api/{user}/tasks", headers={"Origin": "http://evil.example"} | preflight)

    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "authorization" in allowed.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Origin" not in refused.headers


@req("C-OPS-2")
def test_answers_vary_by_origin_with_or_without_one(client: httpx.Client, user: str) -> None:
    # Requests without Origin take a shorter way through (app/http/cors.py): the answer must still say it varies by
    # Origin, so that no cache hands it to a browser, and carry no CORS grant.
    auth = bearer(make_token(user))
    plain = client.get(f"/api/{user}/tasks", headers=auth)
    browser = client.get(f"/api/{user}/tasks", headers={"Origin": "http://localhost:3000"} | auth)
    foreign = client.get(f"/api/{user}/tasks", headers={"Origin": "http://evil.example"} | auth)

    assert plain.headers.get_list("Vary") == ["Origin"]
    assert not [name for name in plain.headers if name.lower().startswith("access-control-")]
    assert browser.headers.get_list("Vary") == ["Origin"]
    assert browser.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert foreign.headers.get_list("Vary") == ["Origin"]
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_vary_origin_joins_a_vary_header_already_there() -> None:
    assert _vary_by_origin([(b"content-type", b"text/plain")]) == [
        (b"content-type", b"text/plain"),
        (b"vary", b"Origin"),
    ]
    assert _vary_by_origin([(b"vary", b"Accept"), (b"etag", b'"1.1"')]) == [
        (b"etag", b'"1.1"'),
        (b"vary", b"Accept, Origin"),
    ]
