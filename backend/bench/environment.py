"""What a benchmark run stands on: a seeded database, tokens, and API processes it can start and measure."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import jwt
import psutil
import psycopg
from sqlalchemy.engine import make_url

from app.core.settings import libpq_url
from app.ops.embedded_db import ensure_app_role
from app.ops.startup import BACKEND_DIR, migrate

SECRET = "bench-secret-" + "b" * 40
PER_USER = 20
DELETABLE_PER_USER = 30
COLUMNS = "user_id, title, description"
LOG = Path(tempfile.gettempdir()) / "todo-bench-api.log"  # the API processes' stderr, for when a run fails


def conninfo(url: str) -> str:
    return libpq_url(url)


def prepare_database(server_url: str, users: int) -> tuple[str, str]:
    """A fresh `bench` database: migrated, seeded, and the service role's URL. Returns (admin URL, app URL)."""
    admin = make_url(server_url)
    with psycopg.connect(conninfo(server_url), autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS bench WITH (FORCE)")
        connection.execute("CREATE DATABASE bench")
    bench_url = admin.set(database="bench").render_as_string(hide_password=False)
    migrate(bench_url)
    with psycopg.connect(conninfo(bench_url), autocommit=True) as connection:
        # Inserted in (user, n) order, so ids are predictable: user k owns (k-1)*PER_USER+1 .. k*PER_USER.
        for per_user, title in ((PER_USER, "seeded task"), (DELETABLE_PER_USER, "to be deleted")):
            connection.execute(
                f"INSERT INTO tasks ({COLUMNS}) SELECT 'u' || lpad(u::text, 4, '0'), %s || ' ' || n, 'seed' "  # noqa: S608
                f"FROM generate_series(1, %s) u, generate_series(1, %s) n ORDER BY u, n",
                (title, users, per_user),
            )
        connection.execute("VACUUM ANALYZE tasks")
    return bench_url, ensure_app_role(bench_url)


def grow_to(admin_url: str, rows: int) -> int:
    """Add other users' rows until the table holds `rows` (the big-table run), in one statement."""
    with psycopg.connect(conninfo(admin_url), autocommit=True) as connection:
        count_row = connection.execute("SELECT count(*) FROM tasks").fetchone()
        missing = rows - (count_row[0] if count_row else 0)
        if missing > 0:
            connection.execute(
                f"INSERT INTO tasks ({COLUMNS}) SELECT 'other' || (n %% 50000), 'filler ' || n, NULL "  # noqa: S608
                "FROM generate_series(1, %s) n",
                (missing,),
            )
            connection.execute("VACUUM ANALYZE tasks")
        return rows


def write_tokens(path: Path, users: int) -> None:
    lifetime = int(time.time()) + 3 * 3600
    tokens = [jwt.encode({"sub": f"u{k:04d}", "exp": lifetime}, SECRET, algorithm="HS256") for k in range(1, users + 1)]
    body = ",\n".join(f'"{token}"' for token in tokens)
    path.write_text(f"PER_USER = {PER_USER}\nDELETABLE_PER_USER = {DELETABLE_PER_USER}\ntokens = {{\n{body}\n}}\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ApiProcess:
    """`todo-api run` (or another app, `module:app`, under uvicorn) as a child process on a free loopback port,
    optionally pinned to some CPUs (`taskset -c`)."""

    def __init__(
        self,
        database_url: str,
        *,
        workers: int = 1,
        app: str | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
        cpus: str | None = None,
    ) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        if app:
            command = [sys.executable, "-m", "uvicorn", app, "--no-access-log"]
            command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        else:
            command = [sys.executable, "-m", "app.ops.cli", "run", "--port", str(self.port), "--workers", str(workers)]
        if cpus:
            command = ["taskset", "-c", cpus, *command]
        # DRAIN_SECONDS=0: no balancer to drain from, so stopping takes no grace period.
        variables = {"DATABASE_URL": database_url, "BETTER_AUTH_SECRET": SECRET, "LOG_LEVEL": "WARNING"}
        variables |= {"DRAIN_SECONDS": "0"} | (env or {})
        started = time.perf_counter()
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=BACKEND_DIR,
            env=os.environ | variables,
            stdout=subprocess.DEVNULL,
            stderr=LOG.open("ab"),
            start_new_session=True,
        )
        try:
            self.cold_start_seconds = self._wait_first_ok(started)
        except BaseException:
            self.stop()
            raise

    def __enter__(self) -> "ApiProcess":
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _wait_first_ok(self, started: float) -> float:
        token = jwt.encode({"sub": "u0001", "exp": int(time.time()) + 600}, SECRET, algorithm="HS256")
        deadline = started + 60
        while time.perf_counter() < deadline:
            try:
                response = httpx.get(f"{self.base_url}/api/u0001/tasks/1", headers={"Authorization": f"Bearer {token}"})
                if response.status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.01)
        raise RuntimeError(f"the API did not answer within 60 s (its log: {LOG})")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each process that serves requests (the workers, or the single process)."""
        parent = psutil.Process(self.process.pid)
        workers = [c for c in parent.children(recursive=True) if "spawn_main" in " ".join(c.cmdline())]
        serving = workers or [parent]
        return [round(p.memory_info().rss / 2**20, 1) for p in serving]

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(30)
