"""Where the API's CPU goes under load: py-spy samples the serving process while wrk runs the mix, and each sample
is charged to the library whose code was running (native calls, such as the socket send inside libpq, count for
the Python frame that made them)."""

import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.compare import LOAD_CPU
from bench.environment import ApiProcess
from bench.load import wrk

# The package of a sample's innermost frame names its owner (py-spy writes frames as "function (package/file.py:N)",
# or with a longer path); ELSE catches the rest.
OWNERS = [
    ("psycopg", "database driver (psycopg, libpq and the socket send)"),
    ("pydantic", "validation and serialisation (pydantic)"),
    ("fastapi", "FastAPI (routing, dependencies, responses)"),
    ("starlette", "Starlette (middleware, routing)"),
    ("uvicorn", "HTTP server (uvicorn, httptools)"),
    ("asyncio", "event loop (asyncio)"),
    ("jwt", "token verification (PyJWT)"),
    ("asgi_correlation_id", "request ids (asgi-correlation-id)"),
    ("prometheus_client", "metrics (prometheus-client)"),
    ("sqlalchemy", "SQLAlchemy"),
    ("app", "our code (backend/app)"),
]
ELSE = "everything else (logging, the standard library, frames py-spy cannot name)"


def owner_of(frame: str) -> str:
    path = frame.rpartition("(")[2]
    found = (name for package, name in OWNERS if path.startswith(f"{package}/") or f"/{package}/" in path)
    return next(found, ELSE)


def profile(api: ApiProcess, data: Path, seconds: float, connections: int) -> list[tuple[str, float]]:
    """(owner, share of the samples), largest first, while the mix runs for `seconds`."""
    with tempfile.TemporaryDirectory() as folder:
        samples = Path(folder) / "samples.txt"
        command = [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(api.process.pid),
            "--duration",
            str(round(seconds)),
        ]
        command += ["--rate", "250", "--format", "raw", "--nonblocking", "--output", str(samples)]
        spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # noqa: S603
        wrk(api.base_url, "mix", seconds, connections, data, cpus=LOAD_CPU)
        _, errors = spy.communicate(timeout=seconds + 60)
        if spy.returncode != 0 or not samples.exists():
            raise RuntimeError(f"py-spy failed: {errors.strip()[-300:]}")
        owners: Counter[str] = Counter()
        for line in samples.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack:
                owners[owner_of(stack.split(";")[-1])] += int(count)
    total = sum(owners.values()) or 1
    return [(name, count / total) for name, count in owners.most_common()]


def table(shares: list[tuple[str, float]]) -> str:
    lines = ["| where the CPU goes (mix, 32 connections) | share of samples |", "|---|---:|"]
    lines += [f"| {name} | {share:.0%} |" for name, share in shares]
    return "\n".join(lines)
