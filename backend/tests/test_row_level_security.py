"""Defence in depth: PostgreSQL itself refuses other users' rows, even to a query that forgot its user filter."""

import asyncio
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, update

from app.core.db import Database
from app.core.settings import libpq_url
from app.tasks.tables import Task
from tests.helpers import make_settings

req = pytest.mark.req

_table = Task.__table__  # type: ignore[attr-defined]
# Deliberately missing the `WHERE user_id = ...` every real statement has.
EVERY_TASK = select(*_table.c).order_by(_table.c.id)
TOUCH_EVERY_TASK = update(_table).values(completed=~_table.c.completed).returning(_table.c.id)


def _conninfo(url: str) -> str:
    return libpq_url(url)


@pytest.fixture
def two_users_rows(database_url: str, user: str) -> tuple[str, str]:
    other = f"{user}-other"
    with psycopg.connect(_conninfo(database_url), autocommit=True) as admin:  # the owner, outside the policy
        for owner in (user, other, other):
            admin.execute("INSERT INTO tasks (user_id, title) VALUES (%s, 'row')", (owner,))
    return user, other


@req("SEC-1", "FR-005", "SC-003")
def test_a_query_without_a_user_filter_sees_only_the_callers_rows(
    app_database_url: str, two_users_rows: tuple[str, str]
) -> None:
    user, _ = two_users_rows

    async def as_the_service() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        database = Database(make_settings(app_database_url))
        await database.open()
        try:
            mine = await database.run(EVERY_TASK, as_user=user, idempotent=True)
            return mine, await database.run(TOUCH_EVERY_TASK, as_user=user, idempotent=False)
        finally:
            await database.close()

    mine, touched = asyncio.run(as_the_service())

    assert mine
    assert {row["user_id"] for row in mine} == {user}
    assert len(touched) == len(mine)  # the UPDATE without WHERE reached only the caller's rows


def _insert_as(service: psycopg.Connection[Any], *, caller: str, owner: str) -> None:
    with service.pipeline():
        service.execute("SELECT set_config('app.user_id', %s, true)", (caller,))
        service.execute("INSERT INTO tasks (user_id, title) VALUES (%s, 'planted')", (owner,))


@req("SEC-1", "FR-005")
def test_the_service_role_can_neither_read_without_a_caller_nor_write_for_another(
    app_database_url: str, two_users_rows: tuple[str, str]
) -> None:
    user, other = two_users_rows
    with psycopg.connect(_conninfo(app_database_url), autocommit=True) as service:
        unscoped: list[Any] = service.execute("SELECT * FROM tasks").fetchall()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            _insert_as(service, caller=user, owner=other)
        role = service.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()

    assert unscoped == []
    assert role == (False, False)


@req("SEC-1")
def test_the_policy_is_forced_on_the_table_owner_too(database_url: str) -> None:
    with psycopg.connect(_conninfo(database_url)) as admin:
        row = admin.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'tasks'"
        ).fetchone()
        policies = admin.execute("SELECT polname FROM pg_policy WHERE polrelid = 'tasks'::regclass").fetchall()

    assert row == (True, True)
    assert policies == [("tasks_owner",)]
