"""The task routes. Each handler is one SQL statement with ownership in its WHERE clause: one round trip."""

from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response
from sqlalchemy import case, func, insert, not_
from sqlalchemy.sql import ClauseElement
from sqlmodel import bindparam, col, delete, select, update

from app.auth import OwnerDep
from app.db import DatabaseDep, Row
from app.errors import PROBLEM_RESPONSES, ApiError
from app.models import CompletionUpdate, Task, TaskCreate, TaskRead, TaskUpdate

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"], responses=PROBLEM_RESPONSES)

_BIGINT_MAX = 2**63 - 1

# The statements, written with SQLModel against the model, with named parameters; app.db compiles each once.
# `owner` is always the caller's verified user id: every statement is scoped by it, and row-level security checks
# it again. Each returns whole rows, so a route never reads a task back.
_MINE = (col(Task.id) == bindparam("id")) & (col(Task.user_id) == bindparam("owner"))
_ROW = tuple(Task.__table__.c)  # type: ignore[attr-defined]  # rows as plain dicts, no ORM objects
LIST = (
    select(*_ROW)
    .where(col(Task.user_id) == bindparam("owner"))
    .order_by(col(Task.created_at).desc(), col(Task.id).desc())
)
GET = select(*_ROW).where(_MINE)
CREATE = (
    insert(Task)
    .values(
        user_id=bindparam("owner"),
        title=bindparam("title"),
        description=bindparam("description"),
        completed=bindparam("completed"),
    )
    .returning(*_ROW)
)
DELETE = delete(Task).where(_MINE).returning(*_ROW)
# NOT completed is evaluated by the database under the row lock: concurrent toggles never lose one.
TOGGLE = update(Task).where(_MINE).values(completed=not_(col(Task.completed)), updated_at=func.now()).returning(*_ROW)
# Setting the value a task already has is not a modification: updated_at stays (and a retry changes nothing).
SET_COMPLETED = (
    update(Task)
    .where(_MINE)
    .values(
        completed=bindparam("completed"),
        updated_at=case((col(Task.completed) == bindparam("completed"), col(Task.updated_at)), else_=func.now()),
    )
    .returning(*_ROW)
)


@lru_cache(maxsize=8)
def _update(fields: frozenset[str]) -> ClauseElement:
    """PUT changes only the fields sent: one statement per combination (at most 7), built once."""
    values: dict[str, Any] = {name: bindparam(name) for name in sorted(fields)}
    return update(Task).where(_MINE).values(**values, updated_at=func.now()).returning(*_ROW)


async def task_id(id: str) -> int:
    """The `{id}` of the path. Anything that cannot be a task id is a 404, like a task that does not exist."""
    if not id.isascii() or not id.isdigit() or id.startswith("0") or int(id) > _BIGINT_MAX:
        raise ApiError(404, "Task was not found.")
    return int(id)


TaskIdDep = Annotated[int, Depends(task_id)]


# Handlers return the rows as dicts and FastAPI validates them once against `response_model` on the way out
# (returning TaskRead instances would validate each row twice: measured in the benchmark, it matters for lists).


async def _one(db: DatabaseDep, statement: ClauseElement, params: dict[str, Any], *, idempotent: bool) -> Row:
    rows = await db.run(statement, params, idempotent=idempotent)
    if not rows:  # missing or someone else's: the same answer, so nothing leaks
        raise ApiError(404, f"Task {params['id']} was not found.")
    return rows[0]


@router.get("", summary="List my tasks, newest first", response_model=list[TaskRead])
async def list_tasks(owner: OwnerDep, db: DatabaseDep) -> list[Row]:
    return await db.run(LIST, {"owner": owner}, idempotent=True)


@router.post("", status_code=201, summary="Create a task", response_model=TaskRead)
async def create_task(owner: OwnerDep, db: DatabaseDep, body: TaskCreate, request: Request, response: Response) -> Row:
    # Not repeated on a dropped connection: the first attempt may have inserted the row.
    rows = await db.run(CREATE, {"owner": owner, **body.model_dump()}, idempotent=False)
    response.headers["Location"] = str(request.url_for("get_task", user_id=owner, id=str(rows[0]["id"])).path)
    return rows[0]


@router.get("/{id}", summary="Get one task", response_model=TaskRead)
async def get_task(owner: OwnerDep, task: TaskIdDep, db: DatabaseDep) -> Row:
    return await _one(db, GET, {"owner": owner, "id": task}, idempotent=True)


@router.put("/{id}", summary="Update some fields of a task", response_model=TaskRead)
async def update_task(owner: OwnerDep, task: TaskIdDep, db: DatabaseDep, body: TaskUpdate) -> Row:
    changes = body.changes()
    statement = _update(frozenset(changes))
    return await _one(db, statement, {"owner": owner, "id": task, **changes}, idempotent=True)  # same values again


@router.delete("/{id}", summary="Delete a task (returns it)", response_model=TaskRead)
async def delete_task(owner: OwnerDep, task: TaskIdDep, db: DatabaseDep) -> Row:
    # Not repeated: if the first attempt deleted the row, a repeat would wrongly answer 404.
    return await _one(db, DELETE, {"owner": owner, "id": task}, idempotent=False)


@router.patch("/{id}/complete", summary="Toggle completion, or set it with a body", response_model=TaskRead)
async def complete_task(
    owner: OwnerDep,
    task: TaskIdDep,
    db: DatabaseDep,
    body: Annotated[CompletionUpdate | None, Body()] = None,
) -> Row:
    target = body.completed if body is not None else None
    if target is None:
        return await _one(db, TOGGLE, {"owner": owner, "id": task}, idempotent=False)
    return await _one(db, SET_COMPLETED, {"owner": owner, "id": task, "completed": target}, idempotent=True)
