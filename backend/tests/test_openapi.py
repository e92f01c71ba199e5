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
            assert "422" not in responses, (method, path)
            assert "application/problem+json" in responses["404"]["content"]
            assert operation["security"] == [{"HTTPBearer": []}]
    assert paths["/api/{user_id}/tasks"]["post"]["responses"].keys() >= {"201"}
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


@req("FR-001")
def test_swagger_ui_is_served(client: httpx.Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
