"""`todo-api db url | psql | reset`: the embedded PostgreSQL that `todo-api run` uses when DATABASE_URL is not set."""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from app.ops.embedded_db import EmbeddedUnavailableError, bundled_psql, embedded_postgres, is_running, url_of
from app.ops.startup import StartupError

__all__ = ["EmbeddedUnavailableError", "register"]


def _folder(args: argparse.Namespace) -> Path:
    if os.environ.get("DATABASE_URL"):
        print(
            "todo-api db: note: DATABASE_URL is set, so `todo-api run` uses that database, not this one.",
            file=sys.stderr,
        )
    return Path(args.data_dir) / "postgres"


def _url(args: argparse.Namespace) -> None:
    folder = _folder(args)
    print(url_of(folder))
    if not (folder / "PG_VERSION").exists():
        print(f"(no database in {folder} yet: `todo-api run` creates it)", file=sys.stderr)
    elif not is_running(folder):
        print("(not running now: `todo-api run` or `todo-api db psql` starts it)", file=sys.stderr)


def _psql(args: argparse.Namespace) -> None:
    """psql on the embedded database: the machine's own psql when installed, else the one its package ships.
    Starts the server for the session if no `todo-api run` is serving it, and stops it again afterwards."""
    folder = _folder(args)
    if not (folder / "PG_VERSION").exists():
        raise StartupError(f"there is no embedded database in {folder} yet: start `todo-api run` once first.")
    psql = shutil.which("psql") or str(bundled_psql())
    with embedded_postgres(folder, stop_if_attached=False):
        extra = args.psql_args[1:] if args.psql_args[:1] == ["--"] else args.psql_args
        code = subprocess.call([psql, url_of(folder), *extra])  # noqa: S603  # psql, with the user's args
    sys.exit(code)


def _reset(args: argparse.Namespace) -> None:
    folder = _folder(args)
    if not folder.exists():
        print(f"todo-api db reset: nothing to do, {folder} does not exist.", file=sys.stderr)
        return
    if is_running(folder):
        raise StartupError(f"the embedded database in {folder} is in use: stop `todo-api run` first.")
    if not args.yes:
        if not sys.stdin.isatty():
            raise StartupError("`db reset` deletes every task: pass --yes to confirm without a terminal.")
        answer = input(f"Delete the embedded database in {folder}, with every task in it? Type yes to confirm: ")
        if answer.strip().lower() != "yes":
            print("Nothing was deleted.", file=sys.stderr)
            return
    shutil.rmtree(folder)
    print(f"Deleted {folder}. The next `todo-api run` creates it afresh and applies the migrations.", file=sys.stderr)


def register(db: argparse.ArgumentParser) -> None:
    commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    url = commands.add_parser("url", help="print its URL (a unix socket in --data-dir)")
    url.set_defaults(handler=_url)
    psql = commands.add_parser("psql", help="open psql on it (arguments after -- go to psql)")
    psql.add_argument("psql_args", nargs=argparse.REMAINDER, help="passed to psql, e.g. -- -c 'TABLE tasks'")
    psql.set_defaults(handler=_psql)
    reset = commands.add_parser("reset", help="delete it, with every task (asks first)")
    reset.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    reset.set_defaults(handler=_reset)
