"""The framework ceiling: bare FastAPI on the same routes, with the same PyJWT HS256 check, answering constant data
— no middleware, no database. What FastAPI itself does on one core; our API's throughput divided by this one's is
what our own code (middleware, error handling, the data path) costs. Run: `uvicorn bench.ceiling:app`."""

import os
from datetime import UTC, datetime
from typing import Annotated

import jwt
from fastapi import Body, Depends, FastAPI, HTTPException, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.tasks.models import CompletionUpdate, TaskCreate, TaskRead, TaskUpdate

app = FastAPI()
_SECRET = os.environ.get("BETTER_AUTH_SECRET", "")
_NOW = datetime(2026, 11, 24, 19, 30, tzinfo=UTC)


async def owner(user_id: str, credentials: Annotated[HTTPAuthorizationCredentials, Depends(HTTPBearer())]) -> str:
    try:
        claims = jwt.decode(credentials.credentials, _SECRET, algorithms=["HS256"], options={"require": ["exp"]})
    except jwt.InvalidTokenError as error:
        raise HTTPException(401, "invalid token") from error
    if claims.get("sub") != user_id:
        raise HTTPException(403, "not your tasks")
    return user_id


Owner = Annotated[str, Depends(owner)]


def _task(user: str, task_id: int = 1, **fields: object) -> TaskRead:
    values = TaskCreate(title="A task").model_dump() | fields  # every field, with the defaults a create gives
    return TaskRead(id=task_id, user_id=user, created_at=_NOW, updated_at=_NOW, etag=f'"{task_id}.1"', **values)


@app.get("/api/{user_id}/tasks")
async def list_tasks(user: Owner) -> list[TaskRead]:
    return [_task(user, n) for n in range(20)]


@app.post("/api/{user_id}/tasks", status_code=201)
async def create_task(user: Owner, body: TaskCreate, response: Response) -> TaskRead:
    response.headers["Location"] = f"/api/{user}/tasks/1"
    return _task(user, **body.model_dump())


@app.get("/api/{user_id}/tasks/{id}")
async def get_task(user: Owner, id: int) -> TaskRead:
    return _task(user, id)


@app.put("/api/{user_id}/tasks/{id}")
async def update_task(user: Owner, id: int, body: TaskUpdate) -> TaskRead:
    return _task(user, id, **body.changes())


@app.delete("/api/{user_id}/tasks/{id}")
async def delete_task(user: Owner, id: int) -> TaskRead:
    return _task(user, id)


@app.patch("/api/{user_id}/tasks/{id}/complete")
async def complete_task(user: Owner, id: int, body: Annotated[CompletionUpdate | None, Body()] = None) -> TaskRead:
    return _task(user, id, completed=True)
