"""The task routes. Each handler is one SQL statement with ownership in its WHERE clause: one round trip."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response
from sqlalchemy import case, delete, func, insert, not_, select, update
from sqlalchemy.sql import Executable

from app.auth import OwnerDep
from app.db import SessionDep, execute
from app.errors import PROBLEM_RESPONSES, ApiError
from app.models import CompletionUpdate, Task, TaskCreate, TaskRead, TaskUpdate

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"], responses=PROBLEM_RESPONSES)

_table = Task.__table__  # type: ignore[attr-defined]  # SQLModel declares it at runtime
_columns = list(_table.c)
_BIGINT_MAX = 2**63 - 1


def task_id(id: str) -> int:
    """The `{id}` of the path. Anything that cannot be a task id is a 404, like a task that does not exist."""
    if not id.isascii() or not id.isdigit() or id.startswith("0") or int(id) > _BIGINT_MAX:
        raise ApiError(404, "Task was not found.")
    return int(id)


TaskIdDep = Annotated[int, Depends(task_id)]


def _one(session: SessionDep, statement: Executable, task: int, *, idempotent: bool) -> dict[str, Any]:
    row = execute(session, statement, idempotent=idempotent).mappings().first()
    if row is None:  # missing or someone else's: the same answer, so nothing leaks
        raise ApiError(404, f"Task {task} was not found.")
    return dict(row)


def _mine(owner: str, task: int) -> Any:
    return (_table.c.id == task) & (_table.c.user_id == owner)


@router.get("", summary="List my tasks, newest first")
def list_tasks(owner: OwnerDep, session: SessionDep) -> list[TaskRead]:
    statement = (
        select(*_columns).where(_table.c.user_id == owner).order_by(_table.c.created_at.desc(), _table.c.id.desc())
    )
    return [TaskRead.model_validate(row) for row in execute(session, statement, idempotent=True).mappings()]


@router.post("", status_code=201, summary="Create a task")
def create_task(
    owner: OwnerDep, session: SessionDep, body: TaskCreate, request: Request, response: Response
) -> TaskRead:
    statement = insert(_table).values(user_id=owner, **body.model_dump()).returning(*_columns)
    task = TaskRead.model_validate(execute(session, statement, idempotent=False).mappings().one())
    response.headers["Location"] = str(request.url_for("get_task", user_id=owner, id=str(task.id)).path)
    return task


@router.get("/{id}", summary="Get one task")
def get_task(owner: OwnerDep, task: TaskIdDep, session: SessionDep) -> TaskRead:
    statement = select(*_columns).where(_mine(owner, task))
    return TaskRead.model_validate(_one(session, statement, task, idempotent=True))


@router.put("/{id}", summary="Update some fields of a task")
def update_task(owner: OwnerDep, task: TaskIdDep, session: SessionDep, body: TaskUpdate) -> TaskRead:
    statement = (
        update(_table).where(_mine(owner, task)).values(**body.changes(), updated_at=func.now()).returning(*_columns)
    )
    return TaskRead.model_validate(_one(session, statement, task, idempotent=True))  # same values again


@router.delete("/{id}", summary="Delete a task (returns it)")
def delete_task(owner: OwnerDep, task: TaskIdDep, session: SessionDep) -> TaskRead:
    statement = delete(_table).where(_mine(owner, task)).returning(*_columns)
    # Not repeated: if the first attempt deleted the row, a repeat would wrongly answer 404.
    return TaskRead.model_validate(_one(session, statement, task, idempotent=False))


@router.patch("/{id}/complete", summary="Toggle completion, or set it with a body")
def complete_task(
    owner: OwnerDep,
    task: TaskIdDep,
    session: SessionDep,
    body: Annotated[CompletionUpdate | None, Body()] = None,
) -> TaskRead:
    completed = _table.c.completed
    target = body.completed if body is not None else None
    if target is None:
        # NOT completed, evaluated by the database under the row lock: concurrent toggles never lose one.
        values: dict[str, Any] = {"completed": not_(completed), "updated_at": func.now()}
    else:
        # Setting the value it already has is not a modification: updated_at stays (safe to retry).
        values = {"completed": target, "updated_at": case((completed == target, _table.c.updated_at), else_=func.now())}
    statement = update(_table).where(_mine(owner, task)).values(**values).returning(*_columns)
    return TaskRead.model_validate(_one(session, statement, task, idempotent=target is not None))
