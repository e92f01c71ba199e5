"""The benchmark: `scripts/bench [--quick]` (or `python -m bench` from backend/). See docs/performance.md."""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from app.core.settings import libpq_url
from app.ops.embedded_db import embedded_postgres
from app.ops.startup import BACKEND_DIR
from bench import load
from bench.compare import LOAD_CPU, SERVER_CPU, interleave, start_all
from bench.compare import ROUTES as COMPARED
from bench.delay_proxy import DelayProxy
from bench.environment import ApiProcess, grow_to, prepare_database, write_tokens
from bench.load import ROUTES, pgbench, wrk
from bench.profile import profile
from bench.profile import table as profile_table
from bench.report import Report, Row

USERS = 1000
CONNECTIONS = 32
ONE_WAY_MS = 2.5  # 5 ms round trip, about a cloud region's app-to-database distance


@contextmanager
def database_server() -> Iterator[str]:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="todo-bench-") as folder:
        os.chmod(folder, 0o755)  # noqa: S103  (the embedded server runs as its own user)
        with embedded_postgres(Path(folder) / "pg", cleanup="stop") as embedded:
            yield embedded


def postmaster_pid(url: str) -> int | None:
    """The server's main process, when its data directory is on this machine (to watch its CPU time)."""
    conninfo = libpq_url(url)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        row = connection.execute("SHOW data_directory").fetchone()
    pid_file = Path(row[0]) / "postmaster.pid" if row else None
    try:
        return int(pid_file.read_text().split()[0]) if pid_file else None
    except (OSError, ValueError, IndexError):  # another machine's server, or not readable: no database time
        return None


def bare_round_trip_ms(url: str) -> float:
    """What one round trip through the delay proxy really costs (its own overhead included)."""
    conninfo = libpq_url(url)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        samples = []
        for _ in range(50):
            started = time.perf_counter()
            connection.execute("SELECT 1").fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def stack_import_seconds() -> float:
    """What importing the stack alone takes (no app code, no database), pinned like the API: the part of the cold
    start that belongs to the libraries. Median of 3."""
    stack = "import fastapi, sqlmodel, psycopg_pool, jwt, uvicorn, pydantic_settings, prometheus_client"
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(["taskset", "-c", SERVER_CPU, sys.executable, "-c", stack], check=True, cwd=BACKEND_DIR)  # noqa: S603, S607
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_hotspots() -> list[str]:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app.main"], cwd=BACKEND_DIR, capture_output=True, text=True
    )
    rows = []
    for line in run.stderr.splitlines()[1:]:
        parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit():
            rows.append((int(parts[1]), parts[2]))
    return [f"{name.strip()} {micros / 1000:.0f} ms" for micros, name in sorted(rows, reverse=True)[:10]]


def run(quick: bool) -> Report:
    seconds = 2.0 if quick else 8.0
    report = Report(rtt_ms=2 * ONE_WAY_MS)
    with database_server() as server_url, tempfile.TemporaryDirectory() as folder:
        admin_url, app_url = prepare_database(server_url, USERS)
        load.DATABASE_PID = postmaster_pid(admin_url)
        data = Path(folder) / "tokens.lua"
        write_tokens(data, USERS)

        owner = {"DATABASE_URL_UNPOOLED": admin_url}  # migrations run as the owner, the service as todo_app
        rounds = 1 if quick else 3
        print(f"ours, tutorial-style, floor and ceiling, one CPU each: {rounds} interleaved round(s) ...", flush=True)
        processes = start_all(app_url, admin_url, owner)
        try:
            api, ceiling = processes["ours"], processes["ceiling"]
            report.cold_start_seconds = api.cold_start_seconds
            report.facts["cold start (process start to first authenticated 200)"] = f"{api.cold_start_seconds:.2f} s"
            report.comparison = interleave(processes, data, seconds, rounds, CONNECTIONS)
            if not quick:
                print("profile of the mix (py-spy) ...", flush=True)
                report.profile = profile(api, data, seconds, CONNECTIONS)
            report.worker_rss_mb = max(api.worker_rss_mb())
            report.facts["RSS per worker after the load (1 worker)"] = f"{report.worker_rss_mb} MB"
            report.facts["RSS of the tutorial-style app after the load"] = f"{processes['tutorial'].worker_rss_mb()} MB"
            results = {route: report.comparison.median("ours", route) for route in COMPARED}
            ceilings = {route: report.comparison.median("ceiling", route) for route in COMPARED}
            results["delete"] = wrk(api.base_url, "delete", seconds, CONNECTIONS, data, cpus=LOAD_CPU)
            ceilings["delete"] = wrk(ceiling.base_url, "delete", seconds, CONNECTIONS, data, cpus=LOAD_CPU)
            direct = {route: wrk(api.base_url, route, seconds / 2, 1, data, delete_offset=10) for route in ROUTES}
        finally:
            for process in processes.values():
                process.stop()

        print("database ceiling (pgbench) ...", flush=True)
        databases = {r: pgbench(app_url, r, seconds, CONNECTIONS, USERS) for r in ROUTES if r != "mix"}
        report.rows = [Row(r, results[r], ceilings[r], databases.get(r), direct=direct[r]) for r in ROUTES]

        print("latency injection ...", flush=True)
        target = make_url(app_url)
        host = str(target.query.get("host") or target.host)
        with DelayProxy(host, target.port or 5432, ONE_WAY_MS) as proxy:
            proxied = target.set(host="127.0.0.1", port=proxy.port, query={}).render_as_string(hide_password=False)
            report.measured_rtt_ms = bare_round_trip_ms(proxied)
            with ApiProcess(proxied, env=owner) as slow:
                for row in report.rows:
                    row.injected = wrk(slow.base_url, row.route, seconds / 2, 1, data, delete_offset=20)

        print("API, 2 workers ...", flush=True)
        with ApiProcess(app_url, workers=2, env=owner) as two:
            for route in ("get", "mix"):
                report.extra.append(Row(f"{route}, 2 workers", wrk(two.base_url, route, seconds, CONNECTIONS, data)))
            report.facts["RSS per worker after the load (2 workers)"] = f"{two.worker_rss_mb()} MB"

        print("/metrics on vs off ...", flush=True)
        # Every run above counts its requests for /metrics (on by default); the same route with it off, alternated
        # with it on so that drift in the machine's load falls on both, shows what the counting costs.
        per_second: dict[str, list[float]] = {"true": [], "false": []}
        for _ in range(2):
            for enabled in ("true", "false"):
                with ApiProcess(app_url, env=owner | {"METRICS_ENABLED": enabled}) as metered:
                    result = wrk(metered.base_url, "get", seconds / 2, CONNECTIONS, data)
                    per_second[enabled].append(result.requests_per_second)
        on, off = statistics.mean(per_second["true"]), statistics.mean(per_second["false"])
        report.facts["/metrics on / off, GET by id (req/s, alternated runs)"] = f"{on:.0f} / {off:.0f} = {on / off:.3f}"

        print("1,000,000-row table ...", flush=True)
        # The runs above created tasks, so each user's list is longer now than in the first list run: measure the
        # same lists again just before the growth, so the ratio shows the table's size alone.
        with ApiProcess(app_url, env=owner) as small:
            report.extra.append(Row("list, before growth", wrk(small.base_url, "list", seconds, CONNECTIONS, data)))
        grow_to(admin_url, 1_000_000)
        with ApiProcess(app_url, env=owner) as big:
            report.extra.append(Row("list, 1M-row table", wrk(big.base_url, "list", seconds, CONNECTIONS, data)))
    report.facts["the same machine importing the stack alone (FastAPI, SQLModel, psycopg, PyJWT, uvicorn...)"] = (
        f"{stack_import_seconds():.2f} s"
    )
    report.facts["import hot spots (python -X importtime, cumulative)"] = "; ".join(import_hotspots())
    return report


def targets(report: Report) -> list[str]:
    rows = {row.route: row for row in report.rows + report.extra}
    comparison = report.comparison
    assert comparison is not None

    def versus_tutorial(route: str) -> float:
        return comparison.ratio("ours", "tutorial", route)[0]

    def versus_floor(route: str) -> float:
        return comparison.ratio("ours", "floor", route)[0]

    worst_single = min(COMPARED[:-1], key=versus_tutorial)
    worst_net = max(row.net_round_trips(report.measured_rtt_ms) or 0 for row in report.rows)
    big_ratio = rows["list, 1M-row table"].api.p50_ms / rows["list, before growth"].api.p50_ms
    errors = sum(row.api.errors for row in report.rows + report.extra) + comparison.errors()
    injected_errors = sum(row.injected.errors for row in report.rows if row.injected)
    rss = max(
        float(value) for value in report.facts["RSS per worker after the load (1 worker)"].strip("[] MB").split(",")
    )
    slowest_p99 = [
        route
        for route in COMPARED
        if comparison.median("ours", route).p99_ms >= comparison.median("tutorial", route).p99_ms
    ]
    database_heavier = [
        route
        for route in COMPARED
        if (ours := comparison.database_us("ours", route)) is not None
        and (tutorial := comparison.database_us("tutorial", route)) is not None
        and ours > tutorial
    ]
    checks = [
        (
            versus_tutorial(worst_single) >= 2.0,
            f"every route >= 2x the tutorial-style app: lowest {worst_single} {versus_tutorial(worst_single):.2f}x",
        ),
        (versus_tutorial("mix") >= 3.0, f"mix >= 3x the tutorial-style app: {versus_tutorial('mix'):.2f}x"),
        (versus_floor("get") >= 0.85, f"GET by id >= 0.85x the floor app: {versus_floor('get'):.2f}x"),
        (worst_net <= 1.3, f"one database round trip per route (<= 1.3 measured): worst {worst_net:.2f}"),
        (not slowest_p99, f"p99 under load below the tutorial-style app's on every route: {slowest_p99 or 'yes'}"),
        (rss <= 100, f"RSS per worker after the load <= 100 MB: {rss:.0f} MB"),
        (
            not database_heavier,
            f"database time per request <= the tutorial-style app's on every route: {database_heavier or 'yes'}",
        ),
        (big_ratio <= 1.2, f"list p50 on the 1M-row table <= 1.2x the same lists just before: {big_ratio:.2f}x"),
        (errors + injected_errors == 0, f"no non-2xx responses in any run: {errors + injected_errors}"),
    ]
    return [f"- [{'x' if ok else ' '}] {text}" for ok, text in checks]


def write_markdown(report: Report, path: Path, command: str) -> None:
    facts = "\n".join(f"- {name}: {value}" for name, value in report.facts.items())
    cpu = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    text = (PLAN.read_text() if PLAN.exists() else "").format(
        command=command,
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        machine=cpu,
        table=report.table(),
        comparison=report.comparison.table() if report.comparison else "",
        rounds=report.comparison.rounds if report.comparison else 0,
        profile=profile_table(report.profile),
        seconds_each=f"{report.comparison.seconds:g}" if report.comparison else "",
        ceilings=report.ceilings(),
        facts=facts,
        targets="\n".join(targets(report)),
        rtt=report.rtt_ms,
        measured_rtt=f"{report.measured_rtt_ms:.2f}",
        connections=CONNECTIONS,
    )
    path.write_text(text)


PLAN = Path(__file__).with_name("performance.md.template")


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 s per run, no report written (CI)")
    parser.add_argument("--out", type=Path, default=BACKEND_DIR.parent / "docs" / "performance.md")
    args = parser.parse_args()
    report = run(args.quick)
    if report.comparison:
        print(report.comparison.table())
    print(report.table())
    print("\n".join(targets(report)))
    for name, value in report.facts.items():
        print(f"{name}: {value}")
    if not args.quick:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        report.plot(args.out.with_suffix(".png"))
        write_markdown(report, args.out, "scripts/bench")
    errors = sum(row.api.errors for row in report.rows + report.extra)
    errors += report.comparison.errors() if report.comparison else 0
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
