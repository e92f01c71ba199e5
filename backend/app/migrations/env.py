"""Alembic environment: migrations run online against the URL the caller chose (`todo-api migrate`, the tests) or
DATABASE_URL(_UNPOOLED). It imports only the models and the settings; `todo-api migrate` is the way to migrate the
embedded development database.

New revisions are numbered like the first ones (`0004`, `0005`...): with alembic.ini's file_template
`%(rev)s_%(slug)s` that names the file `0004_<slug>.py`. Writing a revision without --autogenerate needs no database.
"""

from typing import Any

from alembic import command, context
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

import app.tasks.tables  # noqa: F401  (registers the tables on SQLModel.metadata for autogenerate)
from app.core.settings import DatabaseSettings, normalise_url

config = context.config


def number_the_revision(_context: Any, _revision: Any, directives: list[Any]) -> None:
    """The next revision id is the head's number plus one, zero-padded to four digits."""
    head = ScriptDirectory.from_config(config).get_current_head()
    directives[0].rev_id = f"{int(head or 0) + 1:04d}"


def _writing_a_plain_revision() -> bool:
    """`alembic revision -m ...` without --autogenerate: only the numbering runs, no database is needed."""
    options = config.cmd_opts
    if options is None:  # called from Python (todo-api migrate, the tests), not from the alembic command
        return False
    return getattr(options, "cmd", (None,))[0] is command.revision and not options.autogenerate


def _url() -> str:
    url = config.attributes.get("database_url") or DatabaseSettings().migration_url
    if not url:
        raise SystemExit(
            "alembic: set DATABASE_URL (or DATABASE_URL_UNPOOLED); for the embedded development database use "
            "`todo-api migrate`, or DATABASE_URL=$(todo-api db url) while `todo-api run` is serving it."
        )
    return url


if _writing_a_plain_revision():
    context.configure(dialect_name="postgresql", as_sql=True, process_revision_directives=number_the_revision)
    context.run_migrations()
else:
    # prepare_threshold=None: safe even when only a PgBouncer (pooled) URL is configured.
    engine = create_engine(normalise_url(_url()), poolclass=pool.NullPool, connect_args={"prepare_threshold": None})
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            process_revision_directives=number_the_revision,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
