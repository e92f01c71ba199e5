"""Migrations are the schema's only source: reversible, in step with the models, and enforcing the contract."""

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import app.tasks.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from app.core.settings import libpq_url, normalise_url
from app.ops.startup import BACKEND_DIR, Schema, migrate, newest_revision, schema_if_current
from tests.helpers import fresh_database

req = pytest.mark.req


@pytest.fixture
def empty_database(postgres_server_url: str) -> Iterator[str]:
    with fresh_database(postgres_server_url) as url:
        yield url


def _conninfo(url: str) -> str:
    return libpq_url(url)


def _query(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(_conninfo(url)) as connection:
        return connection.execute(sql).fetchall()


def _schema_objects(url: str) -> set[str]:
    """Everything a migration could leave behind in `public`: tables, indexes, sequences, policies, alembic's row."""
    relations = _query(url, "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace")
    policies = _query(url, "SELECT policyname FROM pg_policies WHERE schemaname = 'public'")
    return {row[0] for row in relations} | {f"policy {row[0]}" for row in policies}


def _differences(url: str) -> list[Any]:
    """What autogenerate would write to bring the database in line with the models: nothing, if they agree."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            # compare_type is on by default; server defaults are not, and a drifted default is a real difference.
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def _catalog(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The tasks table as PostgreSQL itself describes it, including what autogenerate does not compare
    (CHECK constraints, identity kind, index definitions). Columns by name: a column a migration adds comes last in
    the table, wherever the model declares it, and that order means nothing to a query."""
    return {
        "columns": _query(
            url,
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull, attidentity, pg_get_expr(adbin, adrelid)"
            " FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum"
            " WHERE attrelid = 'public.tasks'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attname",
        ),
        "constraints": _query(
            url,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'public.tasks'::regclass ORDER BY conname",
        ),
        "indexes": _query(
            url, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tasks' ORDER BY indexname"
        ),
    }


@req("SC-007", "C-OPS-5")
def test_migrations_upgrade_downgrade_and_upgrade_again(empty_database: str) -> None:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes["database_url"] = empty_database

    migrate(empty_database)
    assert {"tasks", "ix_tasks_user_id_created_at_id", "policy tasks_owner", "alembic_version"} <= _schema_objects(
        empty_database
    )
    command.downgrade(config, "base")
    # Nothing of the schema is left: no table, no index, no identity sequence, no policy; only alembic's own table.
    assert _schema_objects(empty_database) == {"alembic_version", "alembic_version_pkc"}
    assert _query(empty_database, "SELECT * FROM alembic_version") == []
    migrate(empty_database)
    assert "tasks" in _schema_objects(empty_database)
    assert _differences(empty_database) == []


@req("SC-007", "C-OPS-5")
def test_the_head_read_from_file_names_is_alembics_own() -> None:
    # The start-up check reads the head without Alembic: it must agree with Alembic's own answer.
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    assert newest_revision() == ScriptDirectory.from_config(config).get_current_head()


@req("SC-007", "C-OPS-5")
def test_the_start_up_check_sends_anything_but_a_current_schema_to_the_migration(empty_database: str) -> None:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes["database_url"] = empty_database
    head = newest_revision()

    assert schema_if_current(empty_database) is None  # no alembic_version table at all
    migrate(empty_database)
    assert schema_if_current(empty_database) == Schema(head, head, head)
    command.downgrade(config, "-1")  # one revision behind
    assert schema_if_current(empty_database) is None
    command.downgrade(config, "base")  # the table is there, with no row
    assert schema_if_current(empty_database) is None
    unreachable = make_url(empty_database).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    assert schema_if_current(unreachable) is None  # the migration child then says what is wrong


@req("SC-007", "C-OPS-5")
def test_the_models_match_the_migrated_schema(database_url: str) -> None:
    differences = _differences(database_url)

    # Alembic >= 1.13 compares expression-based indexes on PostgreSQL (ours has DESC columns), so no exception
    # is needed for the index: a changed or missing index is reported like any other difference.
    assert differences == [], "\n".join(map(repr, differences))


@req("SC-007", "C-OPS-5")
def test_the_models_create_exactly_the_migrated_table(postgres_server_url: str, database_url: str) -> None:
    """Autogenerate ignores CHECK constraints; the catalog does not: the models' DDL and the migrations' agree."""
    with fresh_database(postgres_server_url) as from_models:
        engine = create_engine(normalise_url(from_models))
        try:
            SQLModel.metadata.create_all(engine)
        finally:
            engine.dispose()
        expected = _catalog(from_models)

    assert _catalog(database_url) == expected


@req("SC-007")
def test_the_drift_check_notices_a_drifted_schema(empty_database: str) -> None:
    """The comparison above is not vacuous: a changed default, nullability, type or index is reported."""
    migrate(empty_database)
    with psycopg.connect(_conninfo(empty_database), autocommit=True) as connection:
        connection.execute("ALTER TABLE tasks ALTER COLUMN completed SET DEFAULT true")
        connection.execute("ALTER TABLE tasks ALTER COLUMN description SET NOT NULL")
        connection.execute("ALTER TABLE tasks ALTER COLUMN title TYPE varchar(300)")
        connection.execute("DROP INDEX ix_tasks_user_id_created_at_id")
        connection.execute("CREATE INDEX ix_tasks_user_id_created_at_id ON tasks (user_id, created_at, id)")

    differences = _differences(empty_database)

    def kinds(diff: Any) -> list[str]:
        return [kind for kind, *_ in diff] if isinstance(diff, list) else [diff[0]]

    reported = sorted(kind for diff in differences for kind in kinds(diff))
    assert reported == ["add_index", "modify_default", "modify_nullable", "modify_type", "remove_index"], differences


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
        ("INSERT INTO tasks (user_id, title) VALUES (repeat('u', 256), 't')", psycopg.errors.CheckViolation),
        ("INSERT INTO tasks (user_id, title) VALUES (NULL, 't')", psycopg.errors.NotNullViolation),
        ("INSERT INTO tasks (user_id) VALUES ('u')", psycopg.errors.NotNullViolation),
        ("INSERT INTO tasks (id, user_id, title) VALUES (1, 'u', 't')", psycopg.errors.GeneratedAlways),
        ("INSERT INTO tasks (user_id, title, completed) VALUES ('u', 't', NULL)", psycopg.errors.NotNullViolation),
    ],
    ids=[
        "long-title",
        "empty-title",
        "long-description",
        "empty-user",
        "long-user",
        "null-user",
        "no-title",
        "explicit-id",
        "null-completed",
    ],
)
def test_the_database_refuses_out_of_contract_rows(database_url: str, sql: str, error: type[Exception]) -> None:
    with psycopg.connect(_conninfo(database_url), autocommit=True) as connection, pytest.raises(error):
        connection.execute(sql)


@req("C-OPS-5", "C-TASK-2")
def test_the_database_accepts_rows_at_the_limits(database_url: str) -> None:
    """The constraints are exactly the contract's: inclusive limits, and the defaults the API relies on."""
    with psycopg.connect(_conninfo(database_url)) as connection:
        row = connection.execute(
            "INSERT INTO tasks (user_id, title, description) VALUES (repeat('u', 255), repeat('t', 200),"
            " repeat('d', 1000)) RETURNING id, completed, created_at = updated_at"
        ).fetchone()
        connection.rollback()  # leave the shared test database as it was
    assert row is not None
    assert row[1:] == (False, True)
