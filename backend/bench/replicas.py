"""Many replicas, one database, behind HAProxy (`scripts/replicas-check`; figures in docs/reliability.md).

Three `todo-api run` started at the same instant on an empty database, behind HAProxy configured with
deploy/haproxy.cfg exactly (only its addresses come from the environment), with RATE_LIMIT_PER_MINUTE=120:
1. all three become ready (UP in HAProxy), the schema is at the newest revision, migrated by one of them;
2. a burst of readiness probes through the balancer, three times the rate limit: every probe 200;
3. load through the balancer (bench/replicas_load.py) while one replica is SIGKILLed and started again, then
   another is rolled: SIGTERM, it drains and exits, it is started again. Afterwards no acknowledged write is lost
   or duplicated and every toggle's parity is right; during the roll (SIGTERM until the replica is back in the
   rotation) no response is 5xx, no connection is dropped, and HAProxy retried or redispatched nothing, so a
   balancer that retries nothing would have done as well."""

import argparse
import asyncio
import csv
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx
import psycopg

from app.ops.startup import BACKEND_DIR, newest_revision
from bench.environment import SECRET, conninfo
from bench.replicas_load import Deadline, Tally, drive, verify

CONFIG = BACKEND_DIR.parent / "deploy" / "haproxy.cfg"
RATE_LIMIT = 120
CLIENTS = 24
LOGS = Path("/tmp/todo-replicas")  # noqa: S108  (each replica's and HAProxy's output, for when the check fails)


class Replica:
    def __init__(self, name: str, port: int, database_url: str) -> None:
        self.name, self.port, self.database_url = name, port, database_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = os.environ | {
            "DATABASE_URL": self.database_url,
            "BETTER_AUTH_SECRET": SECRET,
            "RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
            "LOG_FORMAT": "human",  # the banner (which says whether this one migrated) whatever the level
            "LOG_LEVEL": "WARNING",
        }
        with (LOGS / f"{self.name}.log").open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "app.ops.cli", "run", "--port", str(self.port)],
                cwd=BACKEND_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def signal(self, sig: signal.Signals) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)

    def stop(self) -> None:
        """SIGINT, once the check is over: uvicorn's immediate graceful stop, without the drain."""
        self.signal(signal.SIGINT)
        if self.process is not None:
            self.process.wait(30)

    def wait(self) -> tuple[int, float]:
        """The exit code, and when it came."""
        assert self.process is not None
        code = self.process.wait()
        return code, time.monotonic()

    def log(self) -> str:
        return (LOGS / f"{self.name}.log").read_text(errors="replace")


class Balancer:
    def __init__(self, listen: int, stats: int, replicas: list[Replica]) -> None:
        self.url, self.stats_url = f"http://127.0.0.1:{listen}", f"http://127.0.0.1:{stats}/stats;csv"
        env = os.environ | {"LISTEN": f"127.0.0.1:{listen}", "STATS": f"127.0.0.1:{stats}"}
        env |= {f"REPLICA_{n}": f"127.0.0.1:{r.port}" for n, r in enumerate(replicas, 1)}
        with (LOGS / "haproxy.log").open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                ["haproxy", "-db", "-f", str(CONFIG)],  # noqa: S607  (found on PATH, as scripts/replicas-check did)
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def servers(self) -> dict[str, dict[str, str]]:
        text = httpx.get(self.stats_url, timeout=5).text.lstrip("# ")
        return {row["svname"]: row for row in csv.DictReader(io.StringIO(text)) if row["pxname"] == "todo_api"}

    def retried(self) -> int:
        """Retries and redispatches HAProxy made so far: what a balancer that retries nothing would have failed."""
        return sum(int(row["wretr"] or 0) + int(row["wredis"] or 0) for row in self.servers().values())

    async def until(self, server: str, status: str, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while (await asyncio.to_thread(self.servers))[server]["status"] != status:
            if time.monotonic() > deadline:
                raise SystemExit(f"replicas-check: {server} not {status} after {seconds:.0f} s (logs: {LOGS})")
            await asyncio.sleep(0.1)


async def probe_burst(url: str, count: int) -> Counter[str]:
    async with httpx.AsyncClient(timeout=10) as http:
        gate = asyncio.Semaphore(8)

        async def one() -> str:
            async with gate:
                try:
                    return str((await http.get(f"{url}/health/ready")).status_code)
                except httpx.TransportError as error:
                    return f"connection error ({type(error).__name__})"

        return Counter(await asyncio.gather(*(one() for _ in range(count))))


async def faults(replicas: list[Replica], balancer: Balancer, seconds: float, times: dict[str, float]) -> None:
    """SIGKILL api1, start it again once HAProxy has noticed; once it is back in the rotation, roll api2: SIGTERM,
    out of the rotation while it drains, exit, start again, back in the rotation."""
    await asyncio.sleep(min(3.0, seconds / 10))
    killed, rolled = replicas[0], replicas[1]
    killed.signal(signal.SIGKILL)
    times["killed"] = time.monotonic()
    await asyncio.to_thread(killed.process.wait)  # type: ignore[union-attr]
    await balancer.until("api1", "DOWN")
    killed.start()
    await balancer.until("api1", "UP")
    times["killed back"] = time.monotonic()
    times["retried before the roll"] = await asyncio.to_thread(balancer.retried)
    times["roll"] = time.monotonic()
    rolled.signal(signal.SIGTERM)
    exited = asyncio.create_task(asyncio.to_thread(rolled.wait))
    await balancer.until("api2", "DOWN")
    times["rolled out"] = time.monotonic()
    times["rolled exit code"], times["rolled exited"] = await exited
    rolled.start()
    await balancer.until("api2", "UP")
    times["rolled back"] = time.monotonic()
    times["retried after the roll"] = await asyncio.to_thread(balancer.retried)


def main() -> None:
    parser = argparse.ArgumentParser(prog="replicas-check", description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0, help="load at least this long (longer if a fault runs)")
    parser.add_argument("--port-base", type=int, default=8770, help="replicas on +1..+3, HAProxy on +10, stats +11")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres", help="PostgreSQL")
    args = parser.parse_args()
    LOGS.mkdir(exist_ok=True)
    for old in LOGS.glob("*.log"):
        old.unlink()
    name = f"replicas_{uuid.uuid4().hex[:10]}"
    admin = conninfo(args.server)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    database_url = args.server.rsplit("/", 1)[0] + f"/{name}"
    try:
        with ExitStack() as stack:
            ok = asyncio.run(check(args, database_url, stack))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sys.exit(0 if ok else 1)


async def check(args: argparse.Namespace, database_url: str, stack: ExitStack) -> bool:
    base = args.port_base
    replicas = [Replica(f"api{n}", base + n, database_url) for n in (1, 2, 3)]
    balancer = Balancer(base + 10, base + 11, replicas)
    stack.callback(balancer.stop)
    for replica in replicas:
        stack.callback(replica.stop)
    started = time.monotonic()
    for replica in replicas:  # at the same instant, as far as one loop can
        replica.start()
    await asyncio.gather(*(balancer.until(r.name, "UP") for r in replicas))
    up_after = time.monotonic() - started
    with psycopg.connect(conninfo(database_url)) as connection:
        versions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    migrated = [r.name for r in replicas if "migrations applied: empty database" in r.log()]
    probes = await probe_burst(balancer.url, RATE_LIMIT * 3)

    tally, times = Tally(), dict[str, float]()
    started = time.monotonic()
    deadline = Deadline(float("inf"))  # the load lasts --seconds, and until the rolled replica is back, and 2 s more

    async def faults_then_stop() -> None:
        await faults(replicas, balancer, args.seconds, times)
        deadline.at = max(started + args.seconds, time.monotonic() + 2)

    await asyncio.gather(drive(balancer.url, CLIENTS, deadline, tally), faults_then_stop())
    elapsed = time.monotonic() - started
    verdict = await asyncio.to_thread(verify, conninfo(database_url), tally)
    with (LOGS / "requests.csv").open("w") as out:  # every request, for when the check fails: seconds from the start
        out.write("sent,answered,method,status\n")
        out.writelines(f"{a - started:.3f},{b - started:.3f},{m},{s}\n" for a, b, m, s in tally.timeline)
        out.writelines(f"# {event} at {at - started:.3f}\n" for event, at in times.items() if at > 1000)

    in_roll = [status for sent, status in tally.attempts if times["roll"] <= sent <= times["rolled back"]]
    roll_failures = Counter(s for s in in_roll if s.startswith("connection") or s >= "500")
    roll_retried = int(times["retried after the roll"] - times["retried before the roll"])
    statuses = Counter(status for _, status in tally.attempts)
    bad = {
        s: n
        for s, n in statuses.items()
        if s not in {"200", "201", "412", "502", "503", "504"} and not s.startswith("connection")
    }
    drain = times["rolled exited"] - times["roll"]
    p50, p99 = _percentile(tally.latencies_ms, 50), _percentile(tally.latencies_ms, 99)
    rows = [
        ("replicas started at once on an empty database: all UP in HAProxy after", f"{up_after:.1f} s"),
        (
            "schema revision / replicas that migrated",
            f"{', '.join(versions)} (newest {newest_revision()}) / {len(migrated)} ({', '.join(migrated)})",
        ),
        (f"readiness probes through the balancer (rate limit {RATE_LIMIT}/min)", _counts(probes)),
        (
            "load",
            f"{elapsed:.1f} s, {CLIENTS} clients x 12 users, {len(tally.attempts)} requests "
            f"({len(tally.attempts) / elapsed:.0f}/s)",
        ),
        ("statuses", _counts(statuses)),
        ("latency p50 / p99", f"{p50:.0f} ms / {p99:.0f} ms"),
        (
            "creates acknowledged / found / duplicated",
            f"{verdict.acknowledged} / {verdict.found} / {verdict.duplicated}",
        ),
        ("toggled tasks checked / wrong parity", f"{verdict.toggles_checked} / {verdict.toggles_wrong}"),
        ("edits (If-Match) checked / lost", f"{verdict.edits_checked} / {verdict.edits_lost}"),
        ("writes given up", str(verdict_given_up(tally))),
        ("SIGKILLed replica back in the rotation after", f"{times['killed back'] - times['killed']:.1f} s"),
        ("SIGTERM roll: out of the rotation after", f"{times['rolled out'] - times['roll']:.1f} s"),
        ("SIGTERM roll: drain until exit (exit code)", f"{drain:.1f} s ({int(times['rolled exit code'])})"),
        ("SIGTERM roll: until back in the rotation", f"{times['rolled back'] - times['roll']:.1f} s"),
        (
            "during the roll: requests / >= 500 or dropped / HAProxy retries + redispatches",
            f"{len(in_roll)} / {sum(roll_failures.values())} / {roll_retried}",
        ),
    ]
    print("\n| figure | value |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    problems = {
        "not every replica came up on the newest revision": versions != [newest_revision()],
        "not exactly one replica migrated": len(migrated) != 1,
        "a probe was not 200": set(probes) != {"200"},
        "an acknowledged create is missing": verdict.found != verdict.acknowledged or not verdict.acknowledged,
        "a create was duplicated": verdict.duplicated > 0,
        "a toggle's parity is wrong": verdict.toggles_wrong > 0,
        "an acknowledged edit is lost": verdict.edits_lost > 0,
        f"unexpected answers {bad} {tally.unexpected[:5]}": bool(bad or tally.unexpected),
        "a write was given up": verdict_given_up(tally) > 0,
        f"during the roll: {dict(roll_failures)}": bool(roll_failures),
        "HAProxy retried or redispatched during the roll": roll_retried > 0,
        "the rolled replica did not exit cleanly": times["rolled exit code"] != 0,
        "the rolled replica left the rotation only as it exited": times["rolled out"] >= times["rolled exited"],
    }
    failed = [problem for problem, happened in problems.items() if happened]
    print(f"\n{'FAIL: ' + '; '.join(failed) if failed else 'PASS'} (logs: {LOGS})")
    return not failed


def verdict_given_up(tally: Tally) -> int:
    return tally.creates_abandoned + len(tally.abandoned)


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, len(ordered) * percent // 100)]


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{count} x {status}" for status, count in sorted(counter.items()))


if __name__ == "__main__":
    main()
