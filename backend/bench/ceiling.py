"""The framework ceiling: the same routes, JWT verification, validation and error handling as the real app,
answering constant data without a database. The API's throughput divided by this one's is the cost of the data."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Request, Response

from app.auth import OwnerDep
from app.main import create_app as real_create_app
from app.models import CompletionUpdate, TaskCreate, TaskRead, TaskUpdate
from app.settings import Settings
from app.tasks import TaskIdDep

router = APIRouter(prefix="/api/{user_id}/tasks")
_NOW = datetime(2026, 11, 24, 19, 30, tzinfo=UTC)


def _task(owner: str, task_id: int = 1, **fields: Any) -> TaskRead:
    values = {"title": "A task", "description": None, "completed": False} | fields
    return TaskRead(id=task_id, user_id=owner, created_at=_NOW, updated_at=_NOW, **values)


@router.get("")
async def list_tasks(owner: OwnerDep) -> list[TaskRead]:
    return [_task(owner, n) for n in range(20)]


@router.post("", status_code=201)
async def create_task(owner: OwnerDep, body: TaskCreate, request: Request, response: Response) -> TaskRead:
    response.headers["Location"] = f"/api/{owner}/tasks/1"
    return _task(owner, **body.model_dump())


@router.get("/{id}")
async def get_task(owner: OwnerDep, task: TaskIdDep) -> TaskRead:
    return _task(owner, task)


@router.put("/{id}")
async def update_task(owner: OwnerDep, task: TaskIdDep, body: TaskUpdate) -> TaskRead:
    return _task(owner, task, **body.changes())


@router.delete("/{id}")
async def delete_task(owner: OwnerDep, task: TaskIdDep) -> TaskRead:
    return _task(owner, task)


@router.patch("/{id}/complete")
async def complete_task(
    owner: OwnerDep, task: TaskIdDep, body: Annotated[CompletionUpdate | None, Body()] = None
) -> TaskRead:
    return _task(owner, task, completed=True)


def create_app() -> FastAPI:
    """The real app (same middleware, auth, handlers), with the task routes swapped for constant ones."""
    settings = Settings(database_url="postgresql://unused@127.0.0.1:9/none")  # never connected to
    return real_create_app(settings, routers=[router])
