"""Instructions per request, counted by valgrind's callgrind: for comparing two versions of a small change, where
req/s on a shared machine is too noisy. Callgrind counts the serving process's instructions only while a fixed
batch of requests runs (not the start-up), so the same code and data give the same count within a fraction of a
percent, whatever else the machine does. It counts no system time and no cache misses: confirm a change that
matters with `scripts/bench`.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.instructions --route get --requests 300 [--app floor] [--checkout ../other/backend]

Needs valgrind (Debian package `valgrind`). Seeds a fresh `bench` database on that server, as scripts/bench does.
"""

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import jwt

from app.ops.startup import BACKEND_DIR
from bench.environment import PER_USER, SECRET, free_port, prepare_database

USERS = 100
CONCURRENCY = 8
_LENGTH = re.compile(rb"content-length: (\d+)", re.IGNORECASE)
_EXPIRY = int(time.time()) + 3600  # one token per user for the whole run: the warm-up fills the verified-token cache


def requests(route: str, count: int) -> list[bytes]:
    """The same `count` raw HTTP/1.1 requests every time (fixed seed): a random user and one of its tasks each."""
    rng = random.Random(7)  # noqa: S311  (not for security: the same requests for both versions)
    made = []
    for _ in range(count):
        k = rng.randint(1, USERS)
        token = jwt.encode({"sub": f"u{k:04d}", "exp": _EXPIRY}, SECRET, algorithm="HS256")
        path = f"/api/u{k:04d}/tasks"
        task = f"{path}/{(k - 1) * PER_USER + rng.randint(1, PER_USER)}"
        head = f"Host: bench\r\nAuthorization: Bearer {token}\r\n"
        body = b'{"title":"renamed"}'
        typed = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        if route == "create":
            made.append(f"POST {path} HTTP/1.1\r\n{head}{typed}\r\n".encode() + body)
        elif route == "list":
            made.append(f"GET {path} HTTP/1.1\r\n{head}\r\n".encode())
        elif route == "get":
            made.append(f"GET {task} HTTP/1.1\r\n{head}\r\n".encode())
        elif route == "toggle":
            made.append(f"PATCH {task}/complete HTTP/1.1\r\n{head}Content-Length: 0\r\n\r\n".encode())
        elif route == "update":
            made.append(f"PUT {task} HTTP/1.1\r\n{head}{typed}\r\n".encode() + body)
        else:
            raise SystemExit(f"unknown route {route!r}: list, get, create, toggle or update")
    return made


async def send_all(port: int, batch: list[bytes]) -> int:
    """Sends the batch over CONCURRENCY keep-alive connections; returns how many answers were not 2xx."""
    pending = iter(batch)
    failures = 0

    async def connection() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for request in pending:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            failures += not head.startswith(b"HTTP/1.1 2")
            if length := _LENGTH.search(head):
                await reader.readexactly(int(length[1]))
        writer.close()

    await asyncio.gather(*(connection() for _ in range(CONCURRENCY)))
    return failures


def count(app: str, checkout: Path, admin_url: str, app_url: str, route: str, total: int) -> tuple[float, int]:
    port = free_port()
    if app == "ours":
        command = [sys.executable, "-m", "app.ops.cli", "run", "--port", str(port)]
    else:
        command = [sys.executable, "-m", "uvicorn", f"bench.{app}:app", "--port", str(port), "--log-level", "warning"]
    database = admin_url if app == "floor" else app_url  # the floor knows nothing of row-level security
    variables = {"DATABASE_URL": database, "DATABASE_URL_UNPOOLED": admin_url, "BETTER_AUTH_SECRET": SECRET}
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "callgrind.out"
        valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={output}"]
        server = subprocess.Popen(  # noqa: S603
            [*valgrind, *command],
            cwd=checkout,
            env=os.environ | variables | {"LOG_LEVEL": "WARNING"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 300  # start-up under valgrind is slow
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=10)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit(f"{app} did not start under valgrind") from None
                    time.sleep(0.5)
            asyncio.run(send_all(port, requests(route, 100)))  # warm: pool filled, statements compiled
            subprocess.run(["callgrind_control", "-i", "on", str(server.pid)], check=True, capture_output=True)  # noqa: S603, S607
            failures = asyncio.run(send_all(port, requests(route, total)))
            subprocess.run(["callgrind_control", "-i", "off", str(server.pid)], check=True, capture_output=True)  # noqa: S603, S607
        finally:
            server.terminate()
            server.wait(timeout=120)
        # One line per dump (and per thread); the busy one is the largest.
        totals = [int(n) for n in re.findall(r"^(?:summary|totals): (\d+)", output.read_text(), re.MULTILINE)]
        assert totals, "callgrind wrote no totals"
        return max(totals) / total, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--route", default="get")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--app", choices=["ours", "floor", "ceiling"], default="ours")
    parser.add_argument("--checkout", type=Path, default=BACKEND_DIR, help="the backend/ folder of the version")
    args = parser.parse_args()
    server_url = os.environ.get("BENCH_DATABASE_URL")
    if not server_url:
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL server URL (a `bench` database is made on it)")
    admin_url, app_url = prepare_database(server_url, USERS)
    per_request, failures = count(args.app, args.checkout, admin_url, app_url, args.route, args.requests)
    print(f"{args.app} {args.route}: {per_request / 1000:,.0f}k instructions per request ({failures} not 2xx)")


if __name__ == "__main__":
    main()
