"""What a person sees from `todo-api`: the start-up banner, log lines, configuration errors, the help, the embedded
database's commands and Alembic on it. Every command runs as a real process, as a person would run it."""

import json
import os
import pty
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from app.http.observability import resolve_format
from app.ops.cli import main
from app.ops.startup import BACKEND_DIR
from tests.helpers import SECRET, Service, cli_env

req = pytest.mark.req

HEAD = ScriptDirectory.from_config(Config(str(BACKEND_DIR / "alembic.ini"))).get_current_head()
PASSWORD = "hunter2-not-needed"  # in the URL; the test server trusts local connections, so any password works


def todo_api(
    *args: str, env: dict[str, str] | None = None, data: Path | None = None
) -> subprocess.CompletedProcess[str]:
    prefix = ["--data-dir", str(data)] if data else []
    return subprocess.run(
        [sys.executable, "-m", "app.ops.cli", *prefix, *args],
        cwd=BACKEND_DIR,
        env=env if env is not None else cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def _with_password(url: str) -> str:
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


@req("DX-3", "C-OPS-1")
def test_the_banner_says_where_everything_is_and_logs_are_json_off_a_terminal(
    data_dir: Path,
    services: list[Service],
    database_url: str,
) -> None:
    url = _with_password(database_url)
    service = Service(data_dir, cli_env(DATABASE_URL=url, BETTER_AUTH_SECRET=SECRET))
    services.append(service)
    service.start()
    httpx.get(f"{service.base_url}/health", headers={"X-Request-ID": "banner-test"})
    # Without PUBLIC_URL, the document's server is where it listens: the docs' "Try it out" calls this process.
    assert httpx.get(f"{service.base_url}/openapi.json").json()["servers"][0]["url"] == service.base_url
    service.stop()
    output = service.output()

    # stderr is a file here, not a terminal: every line is JSON, the banner one record with the same facts.
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    banner = next(line for line in lines if line["message"] == "starting")
    base = service.base_url
    database = make_url(database_url).database
    assert banner["api"] == f"{base}, 1 worker"
    assert banner["docs"] == f"{base}/docs  (ReDoc: {base}/redoc)"
    # host:port/database as role (TEST_DATABASE_URL's server), or the embedded server's socket folder
    assert banner["database"].startswith("PostgreSQL at ")
    assert banner["database"].endswith(f"/{database} as postgres")
    assert banner["schema"] == f"already current at {HEAD}"  # the fixture migrated it
    assert banner["tokens"].startswith("HS256 with BETTER_AUTH_SECRET")
    assert "token alice" in banner["try_it"]
    assert banner["metrics"] == f"{base}/metrics"
    assert banner["logs"].startswith("JSON lines")
    assert PASSWORD not in output
    assert SECRET not in output
    assert any(line.get("path") == "/health" and line["request_id"] == "banner-test" for line in lines)


@req("DX-3")
def test_logs_are_for_people_on_a_terminal(
    data_dir: Path,
    services: list[Service],
    database_url: str,
) -> None:
    controller, terminal = pty.openpty()
    with os.fdopen(terminal, "w") as stderr, os.fdopen(controller):
        original, sys.stderr = sys.stderr, stderr
        try:
            assert resolve_format("auto") == "human"  # a real terminal
        finally:
            sys.stderr = original
    assert resolve_format("auto") == "json"  # pytest's captured stderr is not one

    service = Service(data_dir, cli_env(DATABASE_URL=database_url, BETTER_AUTH_SECRET=SECRET, LOG_FORMAT="human"))
    services.append(service)
    service.start()
    httpx.get(f"{service.base_url}/health", headers={"X-Request-ID": "human-test"})
    service.stop()
    output = service.output()
    assert re.search(r"\d\d:\d\d:\d\d INFO +GET /health → 200 in [\d.]+ ms  \[human-test\]", output)
    base = service.base_url
    assert "Todo API 0.1.0 is starting\n" in output
    assert f"  Docs      {base}/docs  (ReDoc: {base}/redoc)\n" in output
    assert f"  Schema    already current at {HEAD}\n" in output
    assert "  Logs      human-readable; LOG_FORMAT=human|json to choose\n" in output


@req("DX-4", "C-OPS-3", "DB-6")
@pytest.mark.parametrize(
    ("command", "env", "expected"),
    [
        (["run"], {"BETTER_AUTH_SECRET": "hunter2-short"}, "BETTER_AUTH_SECRET is too short (13 characters"),
        (["serve"], {"DATABASE_URL": "postgresql://u@127.0.0.1:9/d"}, "BETTER_AUTH_SECRET is not set"),
        (["serve"], {"BETTER_AUTH_SECRET": SECRET}, "DATABASE_URL is not set"),
        (["run"], {"BETTER_AUTH_SECRET": SECRET, "DB_POOL_SIZE": "lots"}, "DB_POOL_SIZE: Input should be a valid"),
        (["run"], {"BETTER_AUTH_SECRET": SECRET, "LOG_FORMAT": "xml"}, "LOG_FORMAT: Input should be 'auto'"),
        (
            ["run"],
            {"DATABASE_URL": "postgresql://u:hunter2@127.0.0.1:9/d", "BETTER_AUTH_SECRET": SECRET},
            "cannot reach the database at 127.0.0.1",
        ),
        (["migrate"], {"DATABASE_URL": "hunter2 is not a URL"}, "DATABASE_URL is not a valid PostgreSQL URL"),
        (["token", "alice"], {"BETTER_AUTH_JWKS_URL": "http://127.0.0.1:9/jwks"}, "BETTER_AUTH_SECRET, which is not"),
    ],
    ids=["short-secret", "no-secret", "no-database", "bad-number", "bad-choice", "unreachable", "bad-url", "jwks"],
)
def test_configuration_errors_are_one_or_two_plain_lines_without_secrets(
    data_dir: Path,
    command: list[str],
    env: dict[str, str],
    expected: str,
) -> None:
    result = todo_api(*command, env=cli_env(**env), data=data_dir)
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr
    _assert_plain(result.stderr)


def _assert_plain(stderr: str) -> None:
    lines = stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, stderr
    assert lines[0].startswith("todo-api: ")
    for leak in ("hunter2", "Traceback", "pydantic", "https://", "input_value", "validation error for"):
        assert leak not in stderr, (leak, stderr)


@req("DX-4", "DB-6")
def test_a_role_that_cannot_read_the_schema_is_told_what_to_use(app_database_url: str) -> None:
    # The service's ordinary role may read and write tasks, but not Alembic's table: migrations need the owner.
    result = todo_api("migrate", env=cli_env(DATABASE_URL=app_database_url))
    assert result.returncode == 1
    assert "may not read or change the schema (permission denied for table alembic_version)" in result.stderr
    assert "set DATABASE_URL_UNPOOLED to the owner's direct URL" in result.stderr
    _assert_plain(result.stderr)

    debug = todo_api("--debug", "migrate", env=cli_env(DATABASE_URL=app_database_url))
    assert "Traceback" in debug.stderr  # for whoever asks for it


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit):
        main([*args, "--help"])
    return " ".join(capsys.readouterr().out.split())  # unwrapped


@req("DX-6")
def test_the_help_documents_every_command_and_option_with_its_default(capsys: pytest.CaptureFixture[str]) -> None:
    top = _help(capsys)
    for words in ("--data-dir", "(default:", "run", "serve", "migrate", "token", "openapi", "db", "--debug"):
        assert words in top
    run = _help(capsys, "run")
    for words in ("(default: 127.0.0.1)", "(default: 8000)", "(default: 1)"):
        assert words in run
    assert "(default: 3600)" in _help(capsys, "token")
    assert "--yes" in _help(capsys, "db", "reset")
    assert {"url", "psql", "reset"} <= set(_help(capsys, "db").split())


@req("DX-6", "C-OPS-5")
def test_the_embedded_database_can_be_migrated_opened_inspected_and_reset(data_dir: Path) -> None:
    folder = data_dir / "postgres"
    assert todo_api("db", "url", data=data_dir).stdout.strip() == f"postgresql://postgres@/postgres?host={folder}"

    migrated = todo_api("migrate", data=data_dir)
    assert migrated.returncode == 0, migrated.stderr
    assert f"the embedded database in {folder}: migrations applied: empty database → {HEAD}" in migrated.stderr

    psql = todo_api("db", "psql", "--", "-tAc", "SELECT version_num FROM alembic_version", data=data_dir)
    assert psql.stdout.strip() == HEAD, psql.stderr
    alembic = subprocess.run(
        [str(Path(sys.executable).parent / "alembic"), "current"],
        cwd=BACKEND_DIR,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert alembic.returncode != 0
    assert "todo-api migrate" in alembic.stderr  # alembic itself needs a URL: it says which command to use instead

    refused = todo_api("db", "reset", data=data_dir)  # no terminal to ask on, and no --yes
    assert refused.returncode == 1
    assert "pass --yes" in refused.stderr
    assert folder.exists()
    reset = todo_api("db", "reset", "--yes", data=data_dir)
    assert reset.returncode == 0
    assert not folder.exists()


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    """The migrations folder and alembic.ini, copied, so a new revision is written outside the repository."""
    shutil.copytree(BACKEND_DIR / "app" / "migrations", tmp_path / "migrations")
    ini = (BACKEND_DIR / "alembic.ini").read_text().replace("%(here)s/app/migrations", "%(here)s/migrations")
    (tmp_path / "alembic.ini").write_text(ini)
    return tmp_path


@req("DX-6", "SC-007")
def test_new_revisions_are_numbered_like_the_first_ones(migrations_copy: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "alembic"), "-c", "alembic.ini", "revision", "-m", "add tags"],
        cwd=migrations_copy,
        env=cli_env(PYTHONPATH=str(BACKEND_DIR)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    expected = f"{int(HEAD or 0) + 1:04d}"
    written = migrations_copy / "migrations" / "versions" / f"{expected}_add_tags.py"
    assert written.exists(), sorted(p.name for p in written.parent.iterdir())
    text = written.read_text()
    assert re.search(rf"^revision: str = [\"']{expected}[\"']$", text, re.MULTILINE)
    assert re.search(rf"^down_revision: str \| None = [\"']{HEAD}[\"']$", text, re.MULTILINE)


@req("DX-4")
@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_busy_port_is_said_before_anything_starts(data_dir: Path, database_url: str, command: str) -> None:
    # It printed the whole banner, then uvicorn's "[Errno 98] address already in use", and exit 3.
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env = cli_env(DATABASE_URL=database_url, BETTER_AUTH_SECRET=SECRET)
        result = todo_api(command, "--port", str(port), env=env, data=data_dir)
    assert result.returncode == 1, result.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr.split("already in use", 1)[1]  # and how to choose another
    assert "starting" not in result.stderr
    _assert_plain(result.stderr)


@req("DX-6")
@pytest.mark.parametrize("ttl", ["-10", "0", "soon"])
def test_a_token_lifetime_must_be_positive(capsys: pytest.CaptureFixture[str], ttl: str) -> None:
    # `--ttl -10` printed an already expired token and exited 0.
    with pytest.raises(SystemExit) as stopped:
        main(["token", "alice", "--ttl", ttl])
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no token
    assert "--ttl: must be a whole number of seconds above 0" in captured.err
