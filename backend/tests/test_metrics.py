"""GET /metrics: Prometheus text with requests by route template and status, latency and the database pool."""

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.main import create_app
from tests.helpers import client_for, make_settings

req = pytest.mark.req


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@req("OPS-1")
def test_metrics_count_requests_by_route_template_and_show_the_pool(
    client: httpx.Client, user: str, auth: dict[str, str]
) -> None:
    client.post(f"/api/{user}/tasks", json={"title": "Buy milk"}, headers=auth)
    client.get(f"/api/{user}/tasks/999999", headers=auth)
    client.get(f"/api/{user}/tasks")  # no token: 401
    client.get("/no/such/path/for/metrics")

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    samples = _samples(response.text)
    template = "/api/{user_id}/tasks"
    assert samples[("http_requests_total", (("method", "POST"), ("route", template), ("status", "201")))] >= 1
    assert samples[("http_requests_total", (("method", "GET"), ("route", template), ("status", "401")))] >= 1
    assert samples[("http_requests_total", (("method", "GET"), ("route", f"{template}/{{id}}"), ("status", "404")))]
    assert samples[("http_requests_total", (("method", "GET"), ("route", "(unmatched)"), ("status", "404")))] >= 1
    assert user not in response.text  # concrete paths never become labels
    buckets = [key for key in samples if key[0] == "http_request_duration_seconds_bucket"]
    assert any(dict(labels)["route"] == template for _, labels in buckets)
    for gauge in ("db_pool_size", "db_pool_connections_in_use", "db_pool_requests_waiting"):
        assert samples[(gauge, ())] >= 0
    assert samples[("db_pool_size", ())] >= 1  # the requests above opened a connection


@req("OPS-1")
def test_metrics_can_be_turned_off(app_database_url: str) -> None:
    with client_for(create_app(make_settings(app_database_url, metrics_enabled=False))) as http:
        assert http.get("/metrics").status_code == 404
        assert http.get("/health").status_code == 200
