"""Per-user rate limiting (OWASP API4): shared by every API process through PostgreSQL, 429 + Retry-After."""

import time

import pytest

from app.main import create_app
from tests.helpers import bearer, client_for, make_settings, make_token

req = pytest.mark.req


def _away_from_a_minute_boundary() -> None:
    # The window is the wall-clock minute; don't let it roll over in the middle of the test.
    if time.time() % 60 > 55:
        time.sleep(60 - time.time() % 60 + 0.5)


@req("SEC-2")
def test_the_limit_holds_across_two_api_processes(app_database_url: str, user: str) -> None:
    settings = make_settings(app_database_url, rate_limit_per_minute=5)
    headers = bearer(make_token(user))
    other = bearer(make_token(f"{user}-other"))
    _away_from_a_minute_boundary()
    with client_for(create_app(settings)) as first, client_for(create_app(settings)) as second:
        statuses = [
            (first if n % 2 else second).post(f"/api/{user}/tasks", json={"title": f"t{n}"}, headers=headers)
            for n in range(8)
        ]
        neighbour = first.get(f"/api/{user}-other/tasks", headers=other)
        stored = second.get(f"/api/{user}/tasks", headers=headers)

    assert [r.status_code for r in statuses] == [201] * 5 + [429] * 3
    refused = statuses[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["status"] == 429
    assert neighbour.status_code == 200  # the limit is per user
    assert stored.status_code == 429  # reads count too: the limit guards the database, not only writes


@req("SEC-2")
def test_the_limit_is_off_by_default() -> None:
    assert make_settings("postgresql://unused/x").rate_limit_per_minute == 0
