"""`todo-api` command line: run the API, apply migrations, mint a development token."""

import argparse
import multiprocessing
import os
import secrets
import signal
import sys
import time
from contextlib import ExitStack
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = BACKEND_DIR / ".data"


def migrate(database_url: str) -> None:
    """Apply every pending Alembic migration (the only way the schema changes)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes["database_url"] = database_url
    command.upgrade(config, "head")


def _migrate_or_exit(database_url: str) -> None:
    """Migrate, turning a database that cannot be reached into one clear line instead of a traceback."""
    from sqlalchemy import exc
    from sqlalchemy.engine import make_url

    try:
        migrate(database_url)
    except (exc.ArgumentError, ValueError) as error:
        sys.exit(f"todo-api: DATABASE_URL is not a valid PostgreSQL URL: {error}")
    except exc.OperationalError as error:
        where = make_url(database_url).render_as_string(hide_password=True)
        reason = " ".join(line.strip() for line in str(error.orig or error).splitlines() if line.strip())
        sys.exit(f"todo-api: cannot use the database at {where}: {reason}")


def _migrate_in_child(database_url: str) -> None:
    """Migrate in a forked child process: the serving process then never loads Alembic and the migration scripts,
    which would stay resident for its whole life (about 10 MB of a ~100 MB worker). A failure's message is printed
    by the child; the parent stops with its exit code."""
    import app.main  # noqa: F401  # before the fork: the child shares the app's modules, the server imports them once

    child = multiprocessing.get_context("fork").Process(target=_migrate_or_exit, args=(database_url,))
    child.start()
    child.join()
    if child.exitcode:
        sys.exit(child.exitcode)


def _warn_if_rls_is_bypassed(database_url: str) -> None:
    """Row-level security does not bind superusers or BYPASSRLS roles: say so, once, at start-up."""
    import psycopg
    from sqlalchemy.engine import make_url

    conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, connect_timeout=10) as connection:
        row = connection.execute(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    if row and row[0]:
        print(
            "todo-api: warning: the database role bypasses row-level security (superuser or BYPASSRLS); "
            "queries are still scoped by user, but connect as an ordinary role for defence in depth.",
            file=sys.stderr,
        )


def _use_dev_secret(data_dir: Path) -> None:
    """Without BETTER_AUTH_SECRET (nor JWKS), development uses a random secret kept in the data folder.

    Generated per checkout rather than a well-known constant, so a forgotten setting is never a public key.
    """
    if os.environ.get("BETTER_AUTH_SECRET") or os.environ.get("BETTER_AUTH_JWKS_URL"):
        return
    from app.settings import Settings

    try:  # a .env file may already hold it
        Settings()
        return
    except ValueError:
        pass
    secret_file = data_dir / "dev-secret"
    if not secret_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # Created owner-only from the start (never written first and narrowed later); O_EXCL never follows a link.
        descriptor = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
    os.environ["BETTER_AUTH_SECRET"] = secret_file.read_text().strip()
    print(f"BETTER_AUTH_SECRET is not set: using the development secret in {secret_file}", file=sys.stderr)


def _run(args: argparse.Namespace) -> None:
    import uvicorn

    from app.embedded_db import embedded_postgres, ensure_app_role
    from app.settings import get_settings

    _use_dev_secret(args.data_dir)
    # uvicorn re-raises SIGTERM after its graceful shutdown; as an exception it lets the embedded database stop too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with ExitStack() as stack:
        embedded = not get_settings().database_url
        if embedded:
            url = stack.enter_context(embedded_postgres(args.data_dir / "postgres"))
            os.environ["DATABASE_URL"] = url  # inherited by uvicorn's worker processes
            get_settings.cache_clear()
            print(
                f"DATABASE_URL is not set: using the embedded PostgreSQL in {args.data_dir / 'postgres'}",
                file=sys.stderr,
            )
        _migrate_in_child(get_settings().migration_url)
        if embedded:
            # Serve as an ordinary role, so row-level security binds the service here as in production.
            os.environ["DATABASE_URL"] = ensure_app_role(os.environ["DATABASE_URL"])
            get_settings.cache_clear()
        else:
            _warn_if_rls_is_bypassed(get_settings().database_url)
        from app.observability import configure_logging, logging_config

        configure_logging(get_settings().log_level)
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_config=logging_config(get_settings().log_level),  # JSON logs in every worker process too
            proxy_headers=False,
        )


def _token(args: argparse.Namespace) -> None:
    import jwt

    from app.settings import get_settings

    _use_dev_secret(args.data_dir)
    settings = get_settings()
    if settings.better_auth_secret is None:
        sys.exit("token: BETTER_AUTH_SECRET is needed to sign a token (JWKS mode verifies the frontend's tokens).")
    now = int(time.time())
    claims = {settings.jwt_user_id_claim: args.user_id, "iat": now, "exp": now + args.ttl}
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    print(jwt.encode(claims, settings.better_auth_secret.get_secret_value(), algorithm="HS256"))


def _openapi(args: argparse.Namespace) -> None:
    """Print the OpenAPI document: the frontend generates its API types from it (frontend/scripts/api-types.mjs)."""
    import json

    from app.main import create_app
    from app.settings import Settings

    # The document depends on no setting that matters here; placeholders let it print on a machine with none set.
    placeholder = Settings(better_auth_secret="openapi-" * 4, database_url="postgresql://openapi@127.0.0.1/none")
    print(json.dumps(create_app(placeholder).openapi(), indent=2, sort_keys=True))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="todo-api", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="embedded database and dev secret")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="apply migrations and serve the API")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--workers", type=int, default=1)
    run.set_defaults(handler=_run)

    migrate_cmd = commands.add_parser("migrate", help="apply pending migrations to DATABASE_URL")
    migrate_cmd.set_defaults(handler=lambda args: _migrate_or_exit(_database_url_or_exit()))

    token = commands.add_parser("token", help="print a signed HS256 token for a user id (development)")
    token.add_argument("user_id")
    token.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds (default 3600)")
    token.set_defaults(handler=_token)

    openapi = commands.add_parser("openapi", help="print the OpenAPI document (JSON)")
    openapi.set_defaults(handler=_openapi)

    args = parser.parse_args(argv)
    try:
        args.handler(args)
    except ValueError as exc:  # settings validation: a clear message, not a traceback
        sys.exit(f"todo-api: configuration error: {exc}")


def _database_url_or_exit() -> str:
    from app.settings import DatabaseSettings

    url = DatabaseSettings().migration_url
    if not url:
        sys.exit("todo-api migrate: set DATABASE_URL (or DATABASE_URL_UNPOOLED, Neon's direct endpoint).")
    return url


if __name__ == "__main__":
    main()
