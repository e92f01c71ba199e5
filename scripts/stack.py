"""Start the whole stack on loopback, run one command against it, stop everything: the frontend's test bed.

    backend/.venv/bin/python scripts/stack.py -- npx playwright test

- PostgreSQL: TEST_DATABASE_URL's server when set, otherwise a throwaway embedded one; a fresh database `todo_e2e`.
- Five frontends (the built app served by `node server.mjs`, as in production), each with its own API
  (`todo-api run`, as the ordinary role, so row-level security binds it), all over the one database:
  :3100 shared-secret mode (HS256)  -> API :8101 (BETTER_AUTH_SECRET)
  :3101 JWKS mode, EdDSA keys rotating every few seconds -> API :8102 (BETTER_AUTH_JWKS_URL = :3101's JWKS)
  :3102-:3104 JWKS mode with the jwt plugin's other key types, ES256, RS256, PS256 -> APIs :8103-:8105
  Every API checks iss and aud (its frontend's URL). :3100 and :3101 share Better Auth's schema (one user, both
  modes); the key-type ones have a schema each. Better Auth connects as its own role (todo_auth, owner of those
  schemas only). The PS256 frontend keeps Better Auth's per-address rate limit on, as production does (its other
  tests sign up one user): the brute-force tests use it; the others turn it off to sign up dozens of users.
The command gets their URLs as E2E_* variables. Logs: out/frontend/logs/.

Outage tests drive it without any control endpoint: each API's process id is in E2E_PIDS/api-NAME.pid (the leader
of its process group: kill the group with SIGKILL), SIGUSR1 to this script (E2E_STACK_PID) starts again every API
that has exited, and E2E_ADMIN_DATABASE_URL / E2E_DATABASE let a test close the database to connections (an outage).
"""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKEND, FRONTEND = ROOT / "backend", ROOT / "frontend"
LOGS = ROOT / "out" / "frontend" / "logs"
sys.path.insert(0, str(BACKEND))

from sqlalchemy.engine import make_url  # noqa: E402  (after the path insert)

from app.core.settings import libpq_url  # noqa: E402
from app.ops.embedded_db import embedded_postgres, ensure_app_role, ensure_auth_role  # noqa: E402
from app.ops.startup import migrate  # noqa: E402

# E2E_PORT_BASE moves every port (frontends base..base+4, their APIs base+5001..base+5005) and the database name,
# so two copies of the stack can run on one machine.
PORT_BASE = int(os.environ.get("E2E_PORT_BASE") or 3100)
DATABASE = "todo_e2e" if PORT_BASE == 3100 else f"todo_e2e_{PORT_BASE}"
PIDS = ROOT / "out" / "frontend" / f"pids-{PORT_BASE}"  # process ids of this stack's servers, for outage tests
# The frontends, over one database: name -> (port, token mode, key type, Better Auth schema, API port).
# The key-type frontends keep their own schema: the jwt plugin signs with the newest key in its table, whatever
# its type, so frontends with different key types cannot share one.
WEB = {
    name: (PORT_BASE + n, mode, algorithm, schema, PORT_BASE + 5001 + n)
    for n, (name, mode, algorithm, schema) in enumerate(
        [
            ("web", "shared-secret", "EdDSA", "auth"),
            ("web-jwks", "jwks", "EdDSA", "auth"),
            ("web-es256", "jwks", "ES256", "auth_es256"),
            ("web-rs256", "jwks", "RS256", "auth_rs256"),
            ("web-ps256", "jwks", "PS256", "auth_ps256"),
        ]
    )
}
ROTATION_SECONDS = "8"  # the EdDSA JWKS frontend makes a new key this often: every test run exercises rotation


def fresh_database(admin_url: str) -> str:
    """Drop and recreate the test database on the server at admin_url; return its admin URL."""
    import psycopg

    conninfo = libpq_url(admin_url)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    return make_url(admin_url).set(database=DATABASE).render_as_string(hide_password=False)


def start(
    stack: ExitStack, name: str, command: list[str], cwd: Path, env: dict[str, str], mode: str = "wb"
) -> subprocess.Popen[bytes]:
    log = (LOGS / f"{name}.log").open(mode)
    environment = {key: value for key, value in {**os.environ, **env}.items() if value}  # "" means unset
    process = subprocess.Popen(
        command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    stack.callback(_stop, process, log)
    PIDS.mkdir(parents=True, exist_ok=True)
    (PIDS / f"{name}.pid").write_text(str(process.pid))
    return process


class Apis:
    """The APIs, startable again after a test killed one (SIGUSR1 to this script); their logs are appended to."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack = stack
        self.running: dict[str, tuple[list[str], dict[str, str], subprocess.Popen[bytes]]] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        process = start(self.stack, name, command, BACKEND, env, mode="ab" if name in self.running else "wb")
        self.running[name] = (command, env, process)
        return process

    def restart_exited(self, *_: object) -> None:
        for name, (command, env, process) in list(self.running.items()):
            if process.poll() is not None:
                print(f"stack: starting {name} again", flush=True)
                self.start(name, command, env)


def _stop(process: subprocess.Popen[bytes], log: object) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
    log.close()  # type: ignore[attr-defined]


def wait_ready(name: str, process: subprocess.Popen[bytes], url: str, seconds: float = 90) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            sys.exit(f"stack: {name} exited with {process.returncode}:\n{(LOGS / f'{name}.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    sys.exit(f"stack: {name} was not ready at {url} after {seconds:.0f} s (log: {LOGS / (name + '.log')})")


def main(command: list[str]) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped from outside: still stop every server
    LOGS.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with ExitStack() as stack:
        admin = os.environ.get("TEST_DATABASE_URL")
        if not admin:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="todo-e2e-")))
            admin = stack.enter_context(embedded_postgres(scratch / "postgres", cleanup="delete"))
        node_admin_url = libpq_url(admin)
        admin = fresh_database(admin)
        migrate(admin)
        app_url = ensure_app_role(admin)  # the role the API serves as (row-level security applies to it)
        schemas = sorted({schema for *_, schema, _ in WEB.values()})
        auth_url = make_url(ensure_auth_role(admin, schemas)).set(drivername="postgresql")
        node_database_url = auth_url.render_as_string(hide_password=False)
        secret = secrets.token_urlsafe(48)

        processes = []
        apis = Apis(stack)
        signal.signal(signal.SIGUSR1, apis.restart_exited)
        for name, (port, mode, algorithm, schema, api_port) in WEB.items():
            url = f"http://127.0.0.1:{port}"
            if mode == "shared-secret":
                verify = {"BETTER_AUTH_SECRET": secret}
            else:  # the API fetches this frontend's public keys
                verify = {"BETTER_AUTH_JWKS_URL": f"{url}/api/auth/jwks", "BETTER_AUTH_SECRET": ""}
            verify |= {"JWT_ISSUER": url, "JWT_AUDIENCE": url}  # this frontend is the API's only issuer
            api_env = {
                "DATABASE_URL": app_url,
                "DATABASE_URL_UNPOOLED": admin,  # migrations as the owner; requests as the ordinary role
                "JWKS_REFETCH_COOLDOWN_SECONDS": "1",
                "DRAIN_SECONDS": "0",  # no balancer in front: SIGTERM stops it at once
                **verify,
            }
            todo_api = [str(BACKEND / ".venv/bin/todo-api"), "run", "--port", str(api_port)]
            processes.append((f"api-{name}", apis.start(f"api-{name}", todo_api, api_env), api_port))
            web_env = {
                "DATABASE_URL": node_database_url,
                "AUTH_DB_SCHEMA": schema,
                "BETTER_AUTH_SECRET": secret,
                "BETTER_AUTH_URL": f"http://127.0.0.1:{port}",
                "API_URL": f"http://127.0.0.1:{api_port}",
                "API_TOKEN_MODE": mode,
                "AUTH_JWT_ALG": algorithm,
                "AUTH_JWKS_ROTATION_SECONDS": ROTATION_SECONDS if schema == "auth" else "",  # :3100 and :3101 alike
                "AUTH_RATE_LIMIT": "on" if name == "web-ps256" else "off",  # see the docstring
                "TRUSTED_PROXIES": "",  # the tests connect directly, as clients do without a proxy in front
            }
            next_start = ["node", str(FRONTEND / "server.mjs"), "--hostname", "127.0.0.1", "--port", str(port)]
            processes.append((name, start(stack, name, next_start, FRONTEND, web_env), port))
            if name == "web":  # the first frontend creates the shared schema: let it finish before the second starts
                wait_ready(name, processes[-1][1], f"http://127.0.0.1:{port}/api/auth/ok")
        for name, process, port in processes:
            ready_path = "/health/ready" if name.startswith("api-") else "/api/auth/ok"
            wait_ready(name, process, f"http://127.0.0.1:{port}{ready_path}")

        env = {
            "E2E_ROTATION_SECONDS": ROTATION_SECONDS,
            "E2E_AUTH_DATABASE_URL": node_database_url,
            "E2E_LOGS": str(LOGS),
            "E2E_STACK_PID": str(os.getpid()),
            "E2E_PIDS": str(PIDS),
            "E2E_ADMIN_DATABASE_URL": node_admin_url,
            "E2E_DATABASE": DATABASE,
        }
        for name, (port, _, _, _, api_port) in WEB.items():
            env[f"E2E_{name.upper().replace('-', '_')}"] = f"http://127.0.0.1:{port}"
            env[f"E2E_API_{name.upper().replace('-', '_')}"] = f"http://127.0.0.1:{api_port}"
        ports = ", ".join(f"{name} :{port} (API :{api_port})" for name, (port, *_, api_port) in WEB.items())
        print(f"stack: {ports}; database {DATABASE}", flush=True)
        print(f"stack: up in {time.monotonic() - began:.1f} s; running {' '.join(command)}", flush=True)
        return subprocess.run(command, cwd=FRONTEND, env={**os.environ, **env}).returncode


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args[1:] if args[:1] == ["--"] else args) if args else "usage: stack.py -- COMMAND...")
