"""Neon's failure modes through a real PgBouncer (transaction mode, TLS, SCRAM): scripts/neon-local.

Runs when NEON_LOCAL=1 and the look-alike is started (`scripts/neon-local start`; CI does both). It stops and
starts the look-alike's PostgreSQL, so it never runs against anything else.
"""

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import make_url

from app.main import create_app
from app.ops.embedded_db import ensure_app_role
from app.ops.startup import BACKEND_DIR
from tests.helpers import bearer, client_for, fresh_database, make_settings, make_token

req = pytest.mark.req
pytestmark = pytest.mark.skipif(not os.environ.get("NEON_LOCAL"), reason="needs NEON_LOCAL=1 and scripts/neon-local")

SCRIPT = BACKEND_DIR.parent / "scripts" / "neon-local"


def neon_local(command: str) -> dict[str, str]:
    result = subprocess.run([str(SCRIPT), command], capture_output=True, text=True, check=True)
    urls = {}
    for line in result.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        if value:
            urls[name] = value.strip("'")
    return urls


@pytest.fixture(scope="module")
def pooled_and_direct() -> Iterator[tuple[str, str]]:
    urls = neon_local("env")
    with fresh_database(urls["DATABASE_URL_UNPOOLED"]) as direct_admin:
        from app.ops.startup import migrate

        migrate(direct_admin)
        app_role_direct = ensure_app_role(direct_admin)
        # The same database through the pooler (PgBouncer 1.18 cannot do channel binding; Neon's pooler can).
        direct = make_url(app_role_direct)
        pooled = direct.set(port=make_url(urls["DATABASE_URL"]).port, query={"sslmode": "require"})
        yield pooled.render_as_string(hide_password=False), app_role_direct


@pytest.fixture
def api(pooled_and_direct: tuple[str, str]) -> Iterator[httpx.Client]:
    settings = make_settings(pooled_and_direct[0], db_timeout_seconds=2.0, retry_after_seconds=1)
    with client_for(create_app(settings)) as http:
        yield http


@req("DB-2", "DB-3")
def test_suspend_between_requests_is_invisible_through_the_pooler(api: httpx.Client) -> None:
    headers = bearer(make_token("pooled-suspend"))
    url = "/api/pooled-suspend/tasks"
    statuses = []
    for _ in range(3):
        neon_local("suspend")
        statuses += [api.get(url, headers=headers).status_code]
        statuses += [api.post(url, json={"title": "t"}, headers=headers).status_code]
    assert statuses == [200, 201] * 3


@req("DB-4")
def test_an_outage_behind_the_pooler_is_503_then_recovers(api: httpx.Client) -> None:
    headers = bearer(make_token("pooled-outage"))
    url = "/api/pooled-outage/tasks"
    assert api.get(url, headers=headers).status_code == 200

    neon_local("stop-db")
    try:
        during = api.get(url, headers=headers)  # the 2 s deadline answers, not PgBouncer's wait for a server
        ready = api.get("/health/ready")
        alive = api.get("/health")
    finally:
        neon_local("start-db")
    restarted = time.monotonic()
    while api.get(url, headers=headers).status_code != 200:
        assert time.monotonic() - restarted < 15, "no recovery within 15 s"
        time.sleep(0.05)
    recovery = time.monotonic() - restarted

    assert during.status_code == 503
    assert during.headers["Retry-After"] == "1"
    assert during.json()["code"] == "database_unavailable"
    assert ready.status_code == 503
    assert alive.status_code == 200
    print(f"\nthrough the pooler: recovered {recovery:.2f} s after the database restarted")


@req("DB-2")
def test_latency_through_the_pooler_and_direct(pooled_and_direct: tuple[str, str]) -> None:
    """Not a timing assertion: prints the figures (both paths must simply work, 200 times each)."""
    headers = bearer(make_token("pooled-latency"))
    figures = {}
    for label, url in zip(("pooled", "direct"), pooled_and_direct, strict=True):
        with client_for(create_app(make_settings(url))) as http:
            http.post("/api/pooled-latency/tasks", json={"title": "t"}, headers=headers)
            samples = []
            for _ in range(200):
                started = time.perf_counter()
                assert http.get("/api/pooled-latency/tasks", headers=headers).status_code == 200
                samples.append((time.perf_counter() - started) * 1000)
            figures[label] = statistics.median(samples)
    print(f"\nGET list p50: pooled {figures['pooled']:.2f} ms, direct {figures['direct']:.2f} ms")


@req("DB-6")
def test_a_wrong_password_is_one_clear_line_at_start_up() -> None:
    direct = make_url(neon_local("env")["DATABASE_URL_UNPOOLED"]).set(password="wrong-password")
    env = {"DATABASE_URL": direct.render_as_string(hide_password=False), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "app.ops.cli", "migrate"], cwd=BACKEND_DIR, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert 'password authentication failed for user "neon"' in result.stderr
    assert "Traceback" not in result.stderr
    assert "wrong-password" not in result.stderr
