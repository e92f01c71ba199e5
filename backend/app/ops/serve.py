"""`todo-api run` and `serve`: the embedded database when DATABASE_URL is unset, migrations, the start-up banner,
then uvicorn (with the header limit and the drain)."""

import argparse
import logging
import os
import secrets
import signal
import socket
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from app.ops.startup import Banner, StartupError, check_role, migrate_in_child, schema_if_current, schema_line, where


def use_dev_secret(data_dir: Path) -> Path | None:
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


def serve(args: argparse.Namespace, *, serve_only: bool = False) -> None:
    """`run`: the embedded database when DATABASE_URL is unset, migrations, then serve. `serve`: only serve, on
    DATABASE_URL, once `todo-api migrate` has brought the schema up to date (production, the container image)."""
    import uvicorn

    from app.core.settings import get_settings
    from app.http.header_limit import HeaderLimitedProtocol
    from app.http.observability import configure_logging, logging_config, resolve_format

    _check_port(args.host, args.port)
    dev_secret = None if serve_only else use_dev_secret(args.data_dir)
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
