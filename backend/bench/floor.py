"""The database floor: the framework ceiling (bench/ceiling.py: bare FastAPI, the same routes and PyJWT HS256
check) plus the one thing no database-backed service can skip, one pooled psycopg 3 statement per request — no
row-level security, no middleware, no timeout, no ETags. What FastAPI and psycopg together do on one core: the
most any service on this stack could reach. Run: `uvicorn bench.floor:app` with DATABASE_URL set."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException, Response
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from app.core.settings import libpq_url
from app.tasks.models import EDITABLE, CompletionUpdate, TaskCreate, TaskRead, TaskUpdate
from app.tasks.tables import Task
from bench.ceiling import Owner

# The same pool size and connection settings as the service's defaults (DB_POOL_SIZE + DB_MAX_OVERFLOW).
pool = AsyncConnectionPool(
    libpq_url(os.environ["DATABASE_URL"]),
    kwargs={"autocommit": True, "prepare_threshold": None},
    min_size=1,
    max_size=15,
    open=False,
)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    await pool.open()
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)
_COLUMNS = ", ".join(Task.__table__.c.keys())  # type: ignore[attr-defined]  # every column, as the model has them
_EDITABLE = sorted(EDITABLE)
_MINE = "WHERE id = %(id)s AND user_id = %(user)s"


async def _rows(sql: str, **params: Any) -> list[dict[str, Any]]:
    async with pool.connection() as connection, connection.cursor(row_factory=dict_row) as cursor:
        await cursor.execute(sql, params)
        return await cursor.fetchall()


async def _one(sql: str, **params: Any) -> TaskRead:
    rows = await _rows(sql, **params)
    if not rows:
        raise HTTPException(404, "Task not found")
    return TaskRead.from_row(rows[0])


@app.get("/api/{user_id}/tasks")
async def list_tasks(user: Owner) -> list[TaskRead]:
    sql = f"SELECT {_COLUMNS} FROM tasks WHERE user_id = %(user)s ORDER BY created_at DESC, id DESC"  # noqa: S608
    return [TaskRead.from_row(row) for row in await _rows(sql, user=user)]


@app.post("/api/{user_id}/tasks", status_code=201)
async def create_task(user: Owner, body: TaskCreate, response: Response) -> TaskRead:
    sql = (
        f"INSERT INTO tasks (user_id, {', '.join(_EDITABLE)}) "  # noqa: S608
        f"VALUES (%(user)s, {', '.join(f'%({name})s' for name in _EDITABLE)}) RETURNING {_COLUMNS}"
    )
    task = await _one(sql, user=user, **body.model_dump())
    response.headers["Location"] = f"/api/{user}/tasks/{task.id}"
    return task


@app.get("/api/{user_id}/tasks/{id}")
async def get_task(user: Owner, id: int) -> TaskRead:
    return await _one(f"SELECT {_COLUMNS} FROM tasks {_MINE}", user=user, id=id)  # noqa: S608


@app.put("/api/{user_id}/tasks/{id}")
async def update_task(user: Owner, id: int, body: TaskUpdate) -> TaskRead:
    changes = body.changes()
    assignments = ", ".join(f"{name} = %({name})s" for name in changes)  # names from the model, values bound
    sql = f"UPDATE tasks SET {assignments}, updated_at = now() {_MINE} RETURNING {_COLUMNS}"  # noqa: S608
    return await _one(sql, user=user, id=id, **changes)


@app.patch("/api/{user_id}/tasks/{id}/complete")
async def complete_task(user: Owner, id: int, body: Annotated[CompletionUpdate | None, Body()] = None) -> TaskRead:
    value = "NOT completed" if body is None or body.completed is None else "%(completed)s"
    sql = f"UPDATE tasks SET completed = {value}, updated_at = now() {_MINE} RETURNING {_COLUMNS}"  # noqa: S608
    completed = body.completed if body is not None else None
    return await _one(sql, user=user, id=id, completed=completed)
