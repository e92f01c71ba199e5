"""`todo-api`: serve the API, apply migrations, mint a development token, print the OpenAPI document, and look
after the embedded PostgreSQL that development uses when DATABASE_URL is not set."""

import argparse
import functools
import os
import re
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from pydantic import ValidationError

from app.ops import db_commands
from app.ops.serve import serve, use_dev_secret
from app.ops.startup import (
    DEFAULT_DATA_DIR,
    StartupError,
    describe_settings_error,
    migrate_or_fail,
    schema_line,
    where,
)


def _positive_seconds(text: str) -> int:
    """`--ttl`: a token that is already expired when printed is no token (it was printed, with exit 0)."""
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise argparse.ArgumentTypeError("must be a whole number of seconds above 0, e.g. --ttl 900")
    return seconds


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

    dev_secret = use_dev_secret(args.data_dir)
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
        server = command(name, help)
        server.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
        server.add_argument("--port", type=int, default=os.environ.get("PORT", "8000"), help="port (env PORT)")
        server.add_argument(
            "--workers",
            type=int,
            default=os.environ.get("WEB_CONCURRENCY", "1"),
            help="worker processes (env WEB_CONCURRENCY)",
        )
        server.set_defaults(handler=serve if name == "run" else functools.partial(serve, serve_only=True))

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
