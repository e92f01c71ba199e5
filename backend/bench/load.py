"""The load generators: wrk against the API (and the ceiling), pgbench against the database with the same SQL."""

import json
import os
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psutil
from sqlalchemy.engine import make_url

from app.core.db import compiled
from app.tasks.queries import CREATE, DELETE, GET, LIST, SET_COMPLETED, TOGGLE, update_fields
from bench.environment import DELETABLE_PER_USER, PER_USER

HERE = Path(__file__).parent
ROUTES = ["list", "get", "create", "update", "toggle", "delete", "mix"]


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    # CPU time PostgreSQL's processes spent during the run ÷ requests (parsing, planning, protocol and execution:
    # more than pg_stat_statements sees), in µs; None where the database's processes cannot be watched.
    database_us: float | None = None


# The PostgreSQL server's postmaster, when it runs on this machine (set by bench.__main__): its CPU time and its
# children's, before and after each run, give the database time per request.
DATABASE_PID: int | None = None


def database_cpu_seconds() -> float | None:
    if DATABASE_PID is None:
        return None
    server = psutil.Process(DATABASE_PID)
    times = server.cpu_times()  # its own, and that of backends that have ended (children_*)
    total: float = times.user + times.system + times.children_user + times.children_system
    for backend in server.children(recursive=True):
        try:
            own = backend.cpu_times()
        except psutil.NoSuchProcess:  # ended since the listing: counted in children_* next time
            continue
        total += own.user + own.system
    return total


def wrk(
    base_url: str,
    route: str,
    seconds: float,
    connections: int,
    data: Path,
    delete_offset: int = 0,
    cpus: str | None = None,
) -> Result:
    threads = min(2, connections)
    env = os.environ | {
        "BENCH_DATA": str(data),
        "BENCH_ROUTE": route,
        "BENCH_THREADS": str(threads),
        "BENCH_DELETE_OFFSET": str(delete_offset),
    }
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(HERE / "wrk.lua")]
    if cpus:
        command = ["taskset", "-c", cpus, *command]
    database_before = database_cpu_seconds()
    run = subprocess.run([*command, base_url], env=env, capture_output=True, text=True, timeout=seconds + 60)  # noqa: S603
    database_after = database_cpu_seconds()
    if run.returncode != 0:
        raise RuntimeError(f"wrk failed: {run.stderr.strip()[-500:]}")
    output = run.stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    database_us = None
    if database_before is not None and database_after is not None and figures["requests"]:
        database_us = (database_after - database_before) / figures["requests"] * 1e6
    return Result(
        requests_per_second=figures["requests"] / figures["seconds"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=figures["non2xx"] + figures["socket_errors"],
        database_us=database_us,
    )


def _pgbench_script(route: str, users: int) -> str:
    """The API's own SQL for the route (compiled by the app): set_config + statement, one query."""
    owner = "'u' || lpad(:u::text, 4, '0')"
    params = {
        "owner": owner,
        "id": f"(:u - 1) * {PER_USER} + :n",
        "title": "'renamed'",
        "description": "'made by pgbench'",
        "completed": "false",
    }
    statement = {
        "list": LIST,
        "get": GET,
        "create": CREATE,
        "update": update_fields(frozenset({"title"})),
        "toggle": TOGGLE,
        "delete": DELETE,
        "set": SET_COMPLETED,
    }[route]
    sql, constants = compiled(statement)
    if route == "create":
        params["title"] = "'bench task'"
    if route == "delete":
        params["id"] = f"{users * PER_USER} + (:u - 1) * {DELETABLE_PER_USER} + :n"
    for name, value in (params | {name: str(value) for name, value in constants.items()}).items():
        sql = sql.replace(f"%({name})s", f"({value})")
    set_user = f"SELECT set_config('app.user_id', {owner}, true)"
    # `\\;` joins the two into one simple-protocol query, as app.core.db sends them (also: pgbench's extended mode would
    # read the `:MI:SS` of a to_char() format as its own variables).
    return f"\\set u random(1, {users})\n\\set n random(1, {PER_USER})\n{set_user} \\; {' '.join(sql.split())};\n"


def pgbench(app_url: str, route: str, seconds: float, connections: int, users: int) -> Result:
    url = make_url(app_url)
    host = url.query.get("host") or url.host or "127.0.0.1"
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / f"{route}.sql"
        script.write_text(_pgbench_script(route, users))
        command = ["pgbench", "-n", "-M", "simple", f"-c{connections}", f"-j{min(2, connections)}"]
        command += [f"-T{max(1, round(seconds))}", "-f", str(script), "--log", f"--log-prefix={folder}/log"]
        command += ["-h", str(host), "-p", str(url.port or 5432), "-U", str(url.username), str(url.database)]
        run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, cwd=folder)  # noqa: S603
        if run.returncode != 0:
            raise RuntimeError(f"pgbench failed: {run.stderr.strip()[-500:]}")
        latencies = sorted(int(line.split()[2]) for log in Path(folder).glob("log*") for line in log.open())
    tps = next(float(line.split()[2]) for line in run.stdout.splitlines() if line.startswith("tps ="))
    failed = sum(
        int(line.split(":")[1].split()[0]) for line in run.stdout.splitlines() if line.startswith("number of failed")
    )
    return Result(
        requests_per_second=tps,
        p50_ms=statistics.median(latencies) / 1000,
        p99_ms=latencies[int(len(latencies) * 0.99)] / 1000,
        errors=failed,
    )
