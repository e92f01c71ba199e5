"""`todo-api`: serve the API, apply migrations, mint a development token, print the OpenAPI document, and look
after the embedded PostgreSQL that development uses when DATABASE_URL is not set."""

import argparse
import logging
import os
import re
import secrets
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from pydantic import ValidationError

from app.ops import db_commands
from app.ops.startup import (
    DEFAULT_DATA_DIR,
    Banner,
    StartupError,
    check_role,
    describe_settings_error,
    migrate_in_child,
    migrate_or_fail,
    schema_if_current,
    schema_line,
    where,
)


def _use_dev_secret(data_dir: Path) -> Path | None:
    """Without BETTER_AUTH_SECRET (nor JWKS), development uses a random secret kept in the data folder; returns
    its file when it does. Generated per checkout rather than a well-known constant, so a forgotten setting is
    never a public key. Development only, on the embedded database: with DATABASE_URL set a missing secret is a
    start-up error, since a replica signing with a secret of its own refuses every other replica's tokens."""
    if os.environ.get("BETTER_AUTH_SECRET") or os.environ.get("BETTER_AUTH_JWKS_URL"):
        return None
    from app.core.settings import DatabaseSettings, Settings

    if DatabaseSettings().database_url:  # from the environment or backend/.env
        return None

    try:  # a .env file may already hold it
        Settings()
        return None
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
    return secret_file


def _run(args: argparse.Namespace, *, serve_only: bool = False) -> None:
    """`run`: the embedded database when DATABASE_URL is unset, migrations, then serve. `serve`: only serve, on
    DATABASE_URL, once `todo-api migrate` has brought the schema up to date (production, the container image)."""
    import uvicorn

    from app.core.settings import get_settings
    from app.http.header_limit import HeaderLimitedProtocol
    from app.http.observability import configure_logging, logging_config, resolve_format

    _check_port(args.host, args.port)
    dev_secret = None if serve_only else _use_dev_secret(args.data_dir)
    settings = get_settings()  # invalid settings stop here, in plain words (main)
    if "public_url" not in settings.model_fields_set:
        # The docs' "Try it out" (and generated clients) call the OpenAPI document's server: without PUBLIC_URL,
        # make that the address served here, so `--port 8001` works from /docs too. Inherited by the workers.
        shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
        os.environ["PUBLIC_URL"] = f"http://{shown}:{args.port}"
        get_settings.cache_clear()
        settings = get_settings()
    # uvicorn re-raises SIGTERM after its graceful shutdown; as an exception it lets the embedded database stop too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with ExitStack() as stack:
        embedded = not settings.database_url
        if embedded:
            if serve_only:
                raise StartupError("DATABASE_URL is not set: `todo-api serve` needs a PostgreSQL URL.")
            from app.ops.embedded_db import embedded_postgres, ensure_app_role

            # No balancer in front of a development server: stop at once on SIGTERM unless DRAIN_SECONDS says so.
            os.environ.setdefault("DRAIN_SECONDS", "0")
            os.environ["DATABASE_URL"] = stack.enter_context(embedded_postgres(args.data_dir / "postgres"))
            get_settings.cache_clear()
        migration_url = get_settings().migration_url
        schema = schema_if_current(migration_url) or migrate_in_child(migration_url, apply=not serve_only)
        if schema.after != schema.head:
            raise StartupError(
                f"the database schema is at {schema.after or 'nothing'} and this release needs {schema.head}: "
                "run `todo-api migrate` first (on Neon with DATABASE_URL_UNPOOLED set)."
            )
        warning = None
        if embedded:
            # Serve as an ordinary role, so row-level security binds the service here as in production.
            os.environ["DATABASE_URL"] = ensure_app_role(os.environ["DATABASE_URL"])
            get_settings.cache_clear()
            database = f"embedded PostgreSQL in {args.data_dir / 'postgres'}  (`todo-api db psql` opens it)"
        else:
            warning = check_role(settings.database_url)
            database = f"PostgreSQL at {where(settings.database_url)}"
        settings = get_settings()
        log_format = resolve_format(settings.log_format)
        configure_logging(settings.log_level, log_format)
        if args.workers > 1 and settings.metrics_enabled and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # Every worker writes its request series here, so /metrics sums them whichever worker answers.
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = stack.enter_context(tempfile.TemporaryDirectory())
        banner = Banner(
            version=_version(),
            host=args.host,
            port=args.port,
            database=database,
            schema=schema_line(schema, applied=not serve_only),
            token_mode=_token_mode(settings.better_auth_jwks_url, dev_secret),
            can_mint=settings.better_auth_secret is not None,
            log_format="human-readable" if log_format == "human" else "JSON lines",
            metrics=settings.metrics_enabled,
            workers=args.workers,
        )
        if log_format == "json":  # one record a log collector can read, with the same facts
            logging.getLogger("app.ops.startup").info("starting", extra={"version": banner.version, **banner.facts()})
        else:
            print(banner, file=sys.stderr, flush=True)
        if warning:
            logging.getLogger("app.ops.startup").warning(warning)
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_config=logging_config(settings.log_level, log_format),  # the same lines in every worker process
            proxy_headers=False,
            # After the drain (app.http.drain): requests in flight get this long before the process exits.
            timeout_graceful_shutdown=settings.shutdown_grace_seconds,
            http=HeaderLimitedProtocol,  # httptools, with MAX_HEADER_BYTES enforced while the headers arrive
            ws="none",  # no WebSocket routes: not loading a WebSocket protocol saves start-up time and memory
        )


def _check_port(host: str, port: int) -> None:
    """Fail at once, in a line, when the port cannot be listened on: uvicorn would say so only after the database,
    the migrations and the banner, as "[Errno 98] address already in use" and exit 3."""
    import errno
    import socket

    try:
        # As uvicorn will bind it (SO_REUSEADDR, so a port left in TIME_WAIT by a previous run counts as free).
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        socket.create_server((host, port), family=family).close()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise StartupError(
                f"port {port} on {host} is already in use (another `todo-api run`?): stop what uses it, "
                f"or choose another port with --port (e.g. --port {port + 1 if port < 65535 else 8001}) or PORT=..."
            ) from None
        if error.errno == errno.EACCES:
            raise StartupError(f"port {port} on {host} needs privileges: choose one above 1023 with --port") from None
        raise StartupError(f"cannot listen on {host}:{port} ({error.strerror}): check --host and --port") from None


def _positive_seconds(text: str) -> int:
    """`--ttl`: a token that is already expired when printed is no token (it was printed, with exit 0)."""
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise argparse.ArgumentTypeError("must be a whole number of seconds above 0, e.g. --ttl 900")
    return seconds


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("todo-api")
    except PackageNotFoundError:  # the container runs the source without installing it as a package
        return "0.1.0"


def _token_mode(jwks_url: str | None, dev_secret: Path | None) -> str:
    if jwks_url:
        return f"JWKS: EdDSA, ES256, RS256 or PS256 tokens, keys from {jwks_url}"
    if dev_secret is not None:
        return f"HS256 with the development secret in {dev_secret} (BETTER_AUTH_SECRET is not set)"
    return "HS256 with BETTER_AUTH_SECRET (the frontend's secret)"


def _migrate(args: argparse.Namespace) -> None:
    """Apply pending migrations to DATABASE_URL_UNPOOLED or DATABASE_URL, or else to the embedded database."""
    from app.core.settings import DatabaseSettings

    url = DatabaseSettings().migration_url
    with ExitStack() as stack:
        if url:
            place = f"the database at {where(url)}"
        else:
            from app.ops.embedded_db import embedded_postgres

            folder = args.data_dir / "postgres"
            url = stack.enter_context(embedded_postgres(folder, stop_if_attached=False))
            place = f"the embedded database in {folder}"
        schema = migrate_or_fail(url)
    print(f"todo-api migrate: {place}: {schema_line(schema, applied=True)}", file=sys.stderr)


def _token(args: argparse.Namespace) -> None:
    import jwt

    from app.core.settings import get_settings

    dev_secret = _use_dev_secret(args.data_dir)
    settings = get_settings()
    if settings.better_auth_secret is None:
        raise StartupError(
            "`token` signs with BETTER_AUTH_SECRET, which is not set: in JWKS mode tokens come from the frontend."
        )
    if dev_secret is not None:
        print(f"(signed with the development secret in {dev_secret})", file=sys.stderr)
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

    from app.core.settings import Settings
    from app.main import create_app

    # The document depends on no setting that matters here; placeholders let it print on a machine with none set.
    placeholder = Settings(better_auth_secret="openapi-" * 4, database_url="postgresql://openapi@127.0.0.1/none")
    print(json.dumps(create_app(placeholder).openapi(), indent=2, sort_keys=True))


def build_parser() -> argparse.ArgumentParser:
    defaults = argparse.ArgumentDefaultsHelpFormatter
    parser = argparse.ArgumentParser(prog="todo-api", description=__doc__, formatter_class=defaults)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="where development keeps the embedded PostgreSQL (postgres/) and the generated secret (dev-secret)",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, description=help, formatter_class=defaults)

    for name, help in (
        ("run", "apply pending migrations, then serve (the embedded PostgreSQL when DATABASE_URL is not set)"),
        ("serve", "serve DATABASE_URL without migrating (production: run `todo-api migrate` first)"),
    ):
        serve = command(name, help)
        serve.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
        serve.add_argument("--port", type=int, default=os.environ.get("PORT", "8000"), help="port (env PORT)")
        serve.add_argument(
            "--workers",
            type=int,
            default=os.environ.get("WEB_CONCURRENCY", "1"),
            help="worker processes (env WEB_CONCURRENCY)",
        )
        serve.set_defaults(handler=_run if name == "run" else lambda args: _run(args, serve_only=True))

    migrate_cmd = command(
        "migrate", "apply pending migrations to DATABASE_URL_UNPOOLED, DATABASE_URL, or else the embedded database"
    )
    migrate_cmd.set_defaults(handler=_migrate)

    token = command("token", "print a signed HS256 token for a user id (development; needs BETTER_AUTH_SECRET)")
    token.add_argument("user_id", help="the user id the token carries (its `sub` claim by default)")
    token.add_argument("--ttl", type=_positive_seconds, default=3600, help="lifetime in seconds (above 0)")
    token.set_defaults(handler=_token)

    openapi = command("openapi", "print the OpenAPI document (JSON) that /openapi.json serves")
    openapi.set_defaults(handler=_openapi)

    db_commands.register(command("db", "the embedded PostgreSQL: print its URL, open psql on it, or reset it"))
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.handler(args)
    except (StartupError, db_commands.EmbeddedUnavailableError) as error:
        _stop(args, f"todo-api: {error}")
    except ValidationError as error:  # settings: plain lines naming the variables, never their values
        _stop(args, f"todo-api: {describe_settings_error(error)}")
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        first_line = (str(error).strip().splitlines() or [""])[0][:300]
        _stop(
            args, f"todo-api: unexpected {type(error).__name__}: {_masked(first_line)}\n(--debug shows the traceback)"
        )


def _stop(args: argparse.Namespace, message: str) -> None:
    if args.debug:
        raise  # re-raises the exception being handled, with its traceback
    sys.exit(message)


def _masked(text: str) -> str:
    """An unexpected error's text, with the configured secret and any URL password blanked out."""
    secret = os.environ.get("BETTER_AUTH_SECRET")
    if secret:
        text = text.replace(secret, "***")
    return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


if __name__ == "__main__":
    main()
