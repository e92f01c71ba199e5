"""Many replicas on one database: started together they all come up and the schema is migrated once; probes take
nothing from the rate limit; outside development every replica must be given the shared secret."""

import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from app.main import create_app
from app.ops.startup import BACKEND_DIR, MIGRATION_LOCK_KEY, newest_revision
from tests.helpers import bearer, cli_env, client_for, fresh_database, make_settings, make_token

req = pytest.mark.req

HEAD = newest_revision()
REPLICAS = 3


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _lock_waiters(connection: psycopg.Connection[tuple[int]]) -> int:
    row = connection.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ).fetchone()
    return row[0] if row else 0


@req("OPS-2", "C-OPS-5")
@pytest.mark.parametrize("start_at", [None, "0002"], ids=["empty", "outdated"])
def test_replicas_started_together_all_migrate_and_the_schema_is_migrated_once(
    postgres_server_url: str, start_at: str | None
) -> None:
    with fresh_database(postgres_server_url) as url:
        if start_at:
            config = Config(str(BACKEND_DIR / "alembic.ini"))
            config.attributes["database_url"] = url
            command.upgrade(config, start_at)
        # The test holds the migration lock while the replicas start, so that all of them are queued behind it
        # and then let go at the same instant: the race, every time (without the lock they race unqueued).
        # prepare_threshold=None: the watcher repeats one query, and through PgBouncer (CI's Neon pass) a prepared
        # statement made on one server connection is missing on the next.
        holder = psycopg.connect(_conninfo(url), prepare_threshold=None)
        watch = psycopg.connect(_conninfo(url), autocommit=True, prepare_threshold=None)
        with holder, watch:
            holder.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
            replicas = [
                subprocess.Popen(
                    [sys.executable, "-m", "app.ops.cli", "migrate"],
                    cwd=BACKEND_DIR,
                    env=cli_env(DATABASE_URL=url),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(REPLICAS)
            ]
            deadline = time.monotonic() + 60
            while _lock_waiters(watch) < REPLICAS:  # an event: each replica queues up on the lock
                assert all(replica.poll() is None for replica in replicas), "a replica did not wait for the lock"
                assert time.monotonic() < deadline, "the replicas never all waited for the migration lock"
                time.sleep(0.02)
            holder.rollback()  # let them all go
            outcomes = [(replica.wait(timeout=120), replica.communicate()[1]) for replica in replicas]
        with psycopg.connect(_conninfo(url), prepare_threshold=None) as connection:
            versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            tables = connection.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'tasks'").fetchone()

    assert [code for code, _ in outcomes] == [0] * REPLICAS, outcomes
    applied = [err for _, err in outcomes if f"migrations applied: {start_at or 'empty database'} → {HEAD}" in err]
    current = [err for _, err in outcomes if f"already current at {HEAD}" in err]
    assert (len(applied), len(current)) == (1, REPLICAS - 1), outcomes
    assert versions == [(HEAD,)]
    assert tables == (1,)


@req("OPS-3", "SEC-2", "C-HEALTH-1")
def test_probes_take_nothing_from_the_rate_limit(app_database_url: str, database_url: str, user: str) -> None:
    limit = 3
    app = create_app(make_settings(app_database_url, rate_limit_per_minute=limit))
    with client_for(app) as http:
        probes = [http.get("/health/ready").status_code for _ in range(limit * 10)]
        headers = bearer(make_token(user))
        requests = [http.get(f"/api/{user}/tasks", headers=headers).status_code for _ in range(limit + 1)]
    assert probes == [200] * (limit * 10)
    assert requests == [200] * limit + [429]  # the limit itself is on
    with psycopg.connect(_conninfo(database_url), prepare_threshold=None) as connection:
        counted = connection.execute("SELECT count(*) FROM rate_limits WHERE user_id = ''").fetchone()
    assert counted == (0,)  # the probes were never counted, not even under an empty user id


def _run(data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.ops.cli", "--data-dir", str(data), "run", "--port", "9"],
        cwd=BACKEND_DIR,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@req("OPS-5", "C-OPS-3", "DX-4")
@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        (None, "BETTER_AUTH_SECRET is not set: set it to the frontend's secret"),
        ("hunter2-weak", "BETTER_AUTH_SECRET is too short (12 characters"),
    ],
    ids=["missing", "weak"],
)
def test_outside_development_a_missing_or_weak_secret_stops_the_start(
    data_dir: Path,
    database_url: str,
    secret: str | None,
    expected: str,
) -> None:
    result = _run(data_dir, DATABASE_URL=database_url, **({"BETTER_AUTH_SECRET": secret} if secret else {}))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("todo-api: configuration error: ")
    assert expected in result.stderr
    assert "hunter2" not in result.stderr
    assert not (data_dir / "dev-secret").exists()  # never a development secret of its own
