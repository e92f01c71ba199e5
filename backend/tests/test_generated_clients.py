"""Clients generated from the OpenAPI document by tools nobody here wrote, used as their users would.

scripts/clients (run by scripts/test before pytest; it needs Node.js) generates a Python client with
openapi-python-client and TypeScript types for openapi-fetch with openapi-typescript, and type-checks the driver
programs in clients/ against them. Here each driver runs every operation against the suite's live server:
create, list, get, update, toggle with and without a body, set, delete, a 400, a 403, a 404, a 412 with If-Match,
a replay and a reuse of an Idempotency-Key, the health probes.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers import make_token

req = pytest.mark.req

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "out" / "clients"
DRIVERS = {
    "python": [str(ROOT / "clients" / ".venv" / "bin" / "python"), str(ROOT / "clients" / "driver.py")],
    "typescript": ["node", str(OUT / "ts" / "dist" / "driver.js")],
}


@pytest.fixture(scope="module")
def built(client: httpx.Client) -> None:
    """The clients scripts/clients built, from the document this server publishes."""
    document = OUT / "openapi.json"
    if not document.exists():
        pytest.skip("no generated clients in out/clients: scripts/clients builds them (needs Node.js 20.19+)")
    served = client.get("/openapi.json").json()
    generated_from = json.loads(document.read_text())
    stale = [part for part in ("paths", "components") if generated_from[part] != served[part]]
    assert not stale, f"out/clients was generated from another document ({stale} differ): run scripts/clients"


@req("SDK-4")
@pytest.mark.parametrize("language", DRIVERS)
def test_every_operation_through_a_generated_client(client: httpx.Client, built: None, language: str) -> None:
    user = f"sdk_{secrets.token_hex(6)}"  # a user with no tasks yet: the driver checks the whole list
    env = os.environ | {
        "API_URL": str(client.base_url).rstrip("/"),
        "API_USER": user,
        "API_TOKEN": make_token(user),
        "PYTHONPATH": str(OUT / "python"),
    }
    result = subprocess.run(DRIVERS[language], env=env, capture_output=True, text=True, timeout=120, check=False)
    sys.stdout.write(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].endswith("checks passed"), result.stdout
