"""A tutorial-style FastAPI + SQLModel app on the same table and routes, written the way the FastAPI and SQLModel
tutorials write it: a sync `Session` per request, `session.get`, `add/commit/refresh`, `select(...).where(...)`,
a PyJWT HS256 dependency, sync handlers in FastAPI's thread pool. The benchmark's yardstick for "a usual FastAPI
todo backend" (it skips row-level security: it connects as the table's owner). Run: `uvicorn bench.tutorial:app`."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

import jwt
from fastapi import Body, Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, col, create_engine, select

from app.core.settings import normalise_url
from app.tasks.models import CompletionUpdate, TaskCreate, TaskRead, TaskUpdate
from app.tasks.tables import Task

engine = create_engine(normalise_url(os.environ["DATABASE_URL"]))
app = FastAPI()
SECRET = os.environ.get("BETTER_AUTH_SECRET", "")


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_user(user_id: str, credentials: Annotated[HTTPAuthorizationCredentials, Depends(HTTPBearer())]) -> str:
    try:
        payload = jwt.decode(credentials.credentials, SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError as error:
        raise HTTPException(status_code=401, detail="Invalid token") from error
    if payload.get("sub") != user_id:
        raise HTTPException(status_code=403, detail="Forbidden")
    return user_id


UserDep = Annotated[str, Depends(current_user)]


def get_own_task(session: Session, user_id: str, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if not task or task.user_id != user_id:
        raise HTTPException(status_code=404, detail="Task not found")
    return task


def read(task: Task) -> TaskRead:
    """The task as the API shows it (with its etag, which the contract asks of every task object)."""
    return TaskRead.from_row(task.model_dump())


@app.get("/api/{user_id}/tasks", response_model=list[TaskRead])
def list_tasks(user_id: UserDep, session: SessionDep) -> list[TaskRead]:
    statement = select(Task).where(Task.user_id == user_id).order_by(col(Task.created_at).desc())
    return [read(task) for task in session.exec(statement).all()]


@app.post("/api/{user_id}/tasks", response_model=TaskRead, status_code=201)
def create_task(user_id: UserDep, task: TaskCreate, session: SessionDep) -> TaskRead:
    db_task = Task.model_validate(task.model_dump() | {"user_id": user_id})
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return read(db_task)


@app.get("/api/{user_id}/tasks/{task_id}", response_model=TaskRead)
def read_task(user_id: UserDep, task_id: int, session: SessionDep) -> TaskRead:
    return read(get_own_task(session, user_id, task_id))


@app.put("/api/{user_id}/tasks/{task_id}", response_model=TaskRead)
def update_task(user_id: UserDep, task_id: int, task: TaskUpdate, session: SessionDep) -> TaskRead:
    db_task = get_own_task(session, user_id, task_id)
    db_task.sqlmodel_update(task.model_dump(exclude_unset=True))
    db_task.updated_at = datetime.now(UTC)
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return read(db_task)


@app.delete("/api/{user_id}/tasks/{task_id}", response_model=TaskRead)
def delete_task(user_id: UserDep, task_id: int, session: SessionDep) -> TaskRead:
    db_task = get_own_task(session, user_id, task_id)
    deleted = read(db_task)
    session.delete(db_task)
    session.commit()
    return deleted


@app.patch("/api/{user_id}/tasks/{task_id}/complete", response_model=TaskRead)
def complete_task(
    user_id: UserDep, task_id: int, session: SessionDep, body: Annotated[CompletionUpdate | None, Body()] = None
) -> TaskRead:
    db_task = get_own_task(session, user_id, task_id)
    db_task.completed = body.completed if body and body.completed is not None else not db_task.completed
    db_task.updated_at = datetime.now(UTC)
    session.add(db_task)
    session.commit()
    session.refresh(db_task)
    return read(db_task)
