"""What `todo-api` does before it serves: migrate (and report it), check the role, and tell people where things are.

Every failure here is a `StartupError` whose message is one or two plain lines for the person starting the service:
what is wrong and which variable or command fixes it, never a secret and never a traceback (`todo-api --debug`).
"""

import multiprocessing
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import make_url

BACKEND_DIR = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = BACKEND_DIR / "app" / "migrations" / "versions"
DEFAULT_DATA_DIR = BACKEND_DIR / ".data"  # the embedded PostgreSQL (postgres/) and the dev secret


class StartupError(Exception):
    """A reason the service cannot start, worded for the person starting it."""


def describe_settings_error(error: ValidationError) -> str:
    """pydantic's report ("1 validation error for Settings ... input_value=... For further information visit ...")
    as plain lines naming the environment variable. Input values are never repeated: they may be secrets."""
    lines = []
    for item in error.errors(include_url=False, include_input=False):
        message = item["msg"].removeprefix("Value error, ")
        variable = "_".join(str(part) for part in item["loc"]).upper()
        lines.append(f"{variable}: {message}" if variable else message)
    return "configuration error: " + "; ".join(lines)


def where(url: str) -> str:
    """A database URL for people: host, port, database and role, never the password or the query string."""
    try:
        parsed = make_url(url)
    except Exception:  # an unparsable URL is reported elsewhere; never echo it, it may hold a password
        return "DATABASE_URL"
    host = parsed.host or (parsed.query.get("host") or "a local socket")
    port = f":{parsed.port}" if parsed.port else ""
    return f"{host}{port}/{parsed.database or ''} as {parsed.username or 'the default role'}"


@dataclass(frozen=True)
class Schema:
    before: str | None  # the revision the database had
    after: str | None  # the revision it has now
    head: str | None  # the newest revision this release knows


def _revision(database_url: str) -> str | None:
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine, pool

    from app.core.settings import normalise_url

    engine = create_engine(
        normalise_url(database_url), poolclass=pool.NullPool, connect_args={"prepare_threshold": None}
    )
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


# Replicas started together all migrate: each takes this PostgreSQL advisory lock first ("todomigr" as a bigint),
# so one applies the migrations while the others wait, then find the schema current and change nothing.
MIGRATION_LOCK_KEY = 0x746F646F6D696772
# A replica waits this long for another's migration before it gives up (a crashed holder frees the lock at once).
MIGRATION_LOCK_TIMEOUT_SECONDS = 300


@contextmanager
def migration_lock(database_url: str) -> Iterator[None]:
    """Hold the migration lock. A transaction-level lock in a transaction left open while migrating: it ends with
    the connection whatever happens, and it also holds through PgBouncer in transaction mode, which pins a server
    connection to an open transaction (a session-level lock could be left behind on a pooled server connection)."""
    from sqlalchemy import create_engine, exc, pool, text

    from app.core.settings import normalise_url

    engine = create_engine(
        normalise_url(database_url), poolclass=pool.NullPool, connect_args={"prepare_threshold": None}
    )
    try:
        with engine.connect() as connection, connection.begin():
            timeout = f"{MIGRATION_LOCK_TIMEOUT_SECONDS}s"
            connection.execute(text("SELECT set_config('lock_timeout', :timeout, true)"), {"timeout": timeout})
            try:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            except exc.OperationalError as error:
                if getattr(error.orig, "sqlstate", None) != "55P03":  # lock_not_available
                    raise
                raise StartupError(
                    f"another `todo-api migrate` or `run` has been migrating the database at {where(database_url)} "
                    f"for {MIGRATION_LOCK_TIMEOUT_SECONDS} s: wait for it, or stop it, then start again."
                ) from error
            yield  # leaving the block ends the lock's transaction (it changed nothing), which frees the lock
    finally:
        engine.dispose()


def migrate(database_url: str, *, apply: bool = True) -> Schema:
    """Apply every pending Alembic migration (the only way the schema changes); `apply=False` only looks.

    Under the migration lock, and the revision is read again once it is held: of replicas started together, the
    first migrates and reports it; the rest wait for it and report the schema already current."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes["database_url"] = database_url
    head = ScriptDirectory.from_config(config).get_current_head()
    if not apply:
        before = _revision(database_url)
        return Schema(before, before, head)
    with migration_lock(database_url):
        before = _revision(database_url)
        if before != head:
            command.upgrade(config, "head")
        after = _revision(database_url)
    return Schema(before, after, head)


def migrate_or_fail(database_url: str, *, apply: bool = True) -> Schema:
    """`migrate`, with every database failure turned into a StartupError naming what to change."""
    from sqlalchemy import exc

    try:
        return migrate(database_url, apply=apply)
    except exc.ArgumentError as error:  # its message quotes the URL, password included: not repeated
        raise StartupError(
            "DATABASE_URL is not a valid PostgreSQL URL (expected postgresql://user:password@host:port/database)"
        ) from error
    except ValueError as error:
        raise StartupError(f"DATABASE_URL is not a valid PostgreSQL URL: {error}") from error
    except exc.OperationalError as error:
        raise StartupError(f"cannot reach the database at {where(database_url)}: {_reason(error)}") from error
    except exc.ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            raise StartupError(
                f"the role at {where(database_url)} may not read or change the schema ({_reason(error)}).\n"
                "Migrations need the tables' owner: set DATABASE_URL_UNPOOLED to the owner's direct URL."
            ) from error
        raise StartupError(f"migrating the database at {where(database_url)} failed: {_reason(error)}") from error
    except exc.DBAPIError as error:
        raise StartupError(f"migrating the database at {where(database_url)} failed: {_reason(error)}") from error


def _reason(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return " ".join(line.strip() for line in str(original).splitlines() if line.strip())


def _migrate_and_report(database_url: str, apply: bool, report: "multiprocessing.connection.Connection") -> None:
    try:
        report.send(migrate_or_fail(database_url, apply=apply))
    except StartupError as error:
        sys.exit(f"todo-api: {error}")  # printed by multiprocessing; the exit code tells the parent


def newest_revision() -> str:
    """The head revision, from the migration files' names: revisions are numbered 0001, 0002, ... in one line
    (alembic.ini's file_template; tests check both against Alembic's own view), so this needs no Alembic."""
    return max(path.name.partition("_")[0] for path in MIGRATIONS_DIR.glob("[0-9]*_*.py"))


def schema_if_current(database_url: str) -> Schema | None:
    """The schema, when the database is already at the head revision: one query on one connection, instead of
    the ~0.5 s a migration child takes to load Alembic and find nothing to do (most starts). None otherwise, and
    on any failure: `migrate_in_child` then does the work, or reports what is wrong in plain words."""
    import psycopg

    from app.core.settings import libpq_url

    try:
        with psycopg.connect(libpq_url(database_url), connect_timeout=10, autocommit=True) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except (psycopg.Error, ValueError):  # no such table (an empty database), unreachable, unreadable URL...
        return None
    head = newest_revision()
    return Schema(head, head, head) if row is not None and row[0] == head else None


def migrate_in_child(database_url: str, *, apply: bool = True) -> Schema:
    """Migrate in a forked child process: the serving process then never loads Alembic and the migration scripts,
    which would stay resident for its whole life (about 10 MB of a ~100 MB worker). A failure's message is printed
    by the child; the parent stops with its exit code."""
    import app.main  # noqa: F401  # before the fork: the child shares the app's modules, the server imports them once

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_migrate_and_report, args=(database_url, apply, send))
    child.start()
    send.close()
    try:
        schema = receive.recv()
    except EOFError:  # the child failed, and said why
        schema = None
    child.join()
    if child.exitcode or not isinstance(schema, Schema):
        raise SystemExit(child.exitcode or 1)
    return schema


def check_role(database_url: str) -> str | None:
    """Connect as the service will, and return a warning when row-level security does not bind its role."""
    import psycopg

    from app.core.settings import libpq_url

    conninfo = libpq_url(database_url)
    try:
        with psycopg.connect(conninfo, connect_timeout=10) as connection:
            row = connection.execute(
                "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
    except psycopg.Error as error:
        raise StartupError(f"cannot connect to DATABASE_URL ({where(database_url)}): {_reason(error)}") from error
    if row and row[0]:
        return (
            "the database role bypasses row-level security (superuser or BYPASSRLS); queries are still scoped "
            "by user, but connect as an ordinary role for defence in depth."
        )
    return None


def schema_line(schema: Schema, applied: bool) -> str:
    if not applied:
        return f"current at {schema.after} (migrations are applied by `todo-api migrate`)"
    if schema.before == schema.after:
        return f"already current at {schema.after}"
    return f"migrations applied: {schema.before or 'empty database'} → {schema.after}"


def command_name() -> str:
    """How to call us again, for the hints: `todo-api` when that is on PATH, otherwise the full path (the person
    may be in another folder than ours: scripts/run starts us from backend/)."""
    invoked = Path(sys.argv[0])
    if invoked.name != "todo-api":
        return "todo-api"
    found = shutil.which("todo-api")
    if found and Path(found).resolve() == invoked.resolve():
        return "todo-api"
    return str(invoked.resolve())


@dataclass(frozen=True)
class Banner:
    """What a person needs to know once the service starts."""

    version: str
    host: str
    port: int
    database: str  # already worded: the embedded folder, or where(DATABASE_URL)
    schema: str
    token_mode: str
    can_mint: bool
    log_format: str
    metrics: bool
    workers: int

    def facts(self) -> dict[str, str]:
        """The same, as fields of one JSON log line."""
        return {name.lower().replace(" ", "_"): value for name, value in self.rows()}

    def __str__(self) -> str:
        lines = [f"Todo API {self.version} is starting"] + [f"  {name:<9} {value}" for name, value in self.rows()]
        return "\n".join(lines)

    def rows(self) -> list[tuple[str, str]]:
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104  # a browsable address
        base = f"http://{shown}:{self.port}"
        listening = " (listening on every interface)" if shown != self.host else ""
        cli = command_name()
        return [
            ("API", f"{base}{listening}, {self.workers} worker{'s' if self.workers > 1 else ''}"),
            ("Docs", f"{base}/docs  (ReDoc: {base}/redoc)"),
            ("Database", self.database),
            ("Schema", self.schema),
            ("Tokens", self.token_mode),
            (
                "Try it",
                f"{cli} token alice   prints a token for user alice; paste it in the docs' Authorize"
                if self.can_mint
                else "tokens come from the frontend (its /api/token route)",
            ),
            ("Metrics", f"{base}/metrics" if self.metrics else "off (METRICS_ENABLED=false)"),
            ("Logs", f"{self.log_format}; LOG_FORMAT=human|json to choose"),
        ]
