"""The published contract: /docs and /openapi.json describe every route, its errors and its bearer auth."""

import httpx
import pytest

req = pytest.mark.req


@req("FR-001", "C-ERR-1")
def test_openapi_documents_every_route_with_problem_responses(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]

    assert set(paths) == {
        "/health",
        "/health/ready",
        "/api/{user_id}/tasks",
        "/api/{user_id}/tasks/{id}",
        "/api/{user_id}/tasks/{id}/complete",
    }
    assert set(paths["/api/{user_id}/tasks"]) == {"get", "post"}
    assert set(paths["/api/{user_id}/tasks/{id}"]) == {"get", "put", "delete"}
    assert set(paths["/api/{user_id}/tasks/{id}/complete"]) == {"patch"}
    for path, operations in paths.items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "403", "404"} <= set(responses), (method, path)
            # FastAPI's own 422 is gone (the service answers 400); a 422 left is a reused Idempotency-Key.
            assert "HTTPValidationError" not in str(responses.get("422")), (method, path)
            assert "application/problem+json" in responses["404"]["content"]
            assert operation["security"] == [{"HTTPBearer": []}]
    assert paths["/api/{user_id}/tasks"]["post"]["responses"].keys() >= {"201"}
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


@req("FR-001")
def test_swagger_ui_is_served(client: httpx.Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


@req("RETRY-10")
def test_openapi_describes_the_safe_retry_headers_and_answers(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {  # (path, method): (request headers, answers beyond the success)
        ("/api/{user_id}/tasks", "get"): ({"If-None-Match"}, {"304"}),
        ("/api/{user_id}/tasks", "post"): ({"Idempotency-Key"}, {"409", "422"}),
        ("/api/{user_id}/tasks/{id}", "get"): ({"If-None-Match"}, {"304"}),
        ("/api/{user_id}/tasks/{id}", "put"): ({"If-Match"}, {"412"}),
        ("/api/{user_id}/tasks/{id}", "delete"): ({"If-Match"}, {"412"}),
        ("/api/{user_id}/tasks/{id}/complete", "patch"): ({"If-Match", "Idempotency-Key"}, {"409", "412", "422"}),
    }
    for (path, method), (headers, statuses) in expected.items():
        operation = paths[path][method]
        declared = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert declared == headers, (path, method)
        assert statuses <= set(operation["responses"]), (path, method)
        success = operation["responses"]["201" if method == "post" else "200"]
        assert "ETag" in success["headers"], (path, method)
    key = next(p for p in paths["/api/{user_id}/tasks"]["post"]["parameters"] if p["name"] == "Idempotency-Key")
    assert key["schema"]["type"] == "string"  # never null: a header is a string or absent
    assert key["schema"]["maxLength"] == 255
    assert key["schema"]["pattern"] == "^[\\x21-\\x7e]{1,255}$"
