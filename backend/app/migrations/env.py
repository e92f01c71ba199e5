"""Alembic environment: migrations run online against the URL the caller chose (or DATABASE_URL)."""

from alembic import context
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables on SQLModel.metadata for autogenerate)
from app.db import normalise_url
from app.settings import DatabaseSettings

config = context.config
url = config.attributes.get("database_url") or DatabaseSettings().database_url

# prepare_threshold=None: safe even when only a PgBouncer (pooled) URL is configured.
engine = create_engine(normalise_url(url), poolclass=pool.NullPool, connect_args={"prepare_threshold": None})
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=SQLModel.metadata)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
