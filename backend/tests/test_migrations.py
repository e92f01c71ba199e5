"""Migrations are the schema's only source: reversible, in step with the models, and enforcing the contract."""

from collections.abc import Iterator

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from app.cli import BACKEND_DIR, migrate
from app.db import normalise_url
from tests.conftest import fresh_database

req = pytest.mark.req


@pytest.fixture
def empty_database(postgres_server_url: str) -> Iterator[str]:
    with fresh_database(postgres_server_url) as url:
        yield url


def _tables(url: str) -> set[str]:
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection:
        rows = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {row[0] for row in rows}


@req("SC-007", "C-OPS-5")
def test_migrations_upgrade_downgrade_and_upgrade_again(empty_database: str) -> None:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes["database_url"] = empty_database

    migrate(empty_database)
    assert {"tasks", "alembic_version"} <= _tables(empty_database)
    command.downgrade(config, "base")
    assert "tasks" not in _tables(empty_database)
    migrate(empty_database)
    assert "tasks" in _tables(empty_database)


@req("SC-007", "C-OPS-5")
def test_the_models_match_the_migrated_schema(database_url: str) -> None:
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()

    assert differences == [], differences


@req("C-OPS-5", "C-TASK-2", "C-TASK-3")
@pytest.mark.parametrize(
    ("sql", "error"),
    [
        ("INSERT INTO tasks (user_id, title) VALUES ('u', repeat('t', 201))", psycopg.errors.CheckViolation),
        ("INSERT INTO tasks (user_id, title) VALUES ('u', '')", psycopg.errors.CheckViolation),
        (
            "INSERT INTO tasks (user_id, title, description) VALUES ('u', 't', repeat('d', 1001))",
            psycopg.errors.CheckViolation,
        ),
        ("INSERT INTO tasks (user_id, title) VALUES ('', 't')", psycopg.errors.CheckViolation),
        ("INSERT INTO tasks (user_id, title) VALUES (NULL, 't')", psycopg.errors.NotNullViolation),
        ("INSERT INTO tasks (id, user_id, title) VALUES (1, 'u', 't')", psycopg.errors.GeneratedAlways),
    ],
    ids=["long-title", "empty-title", "long-description", "empty-user", "null-user", "explicit-id"],
)
def test_the_database_refuses_out_of_contract_rows(database_url: str, sql: str, error: type[Exception]) -> None:
    conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection, pytest.raises(error):
        connection.execute(sql)
