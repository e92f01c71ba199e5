"""Liveness and readiness probes (no authentication: orchestrators call them)."""

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from app.errors import PROBLEM_RESPONSES, ApiError

router = APIRouter(prefix="/health", tags=["health"])


class Alive(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})
    status: Literal["ok"]


class Ready(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ready"}]})
    status: Literal["ready"]


@router.get("", summary="Liveness: the process answers (no database call)", response_model=Alive)
async def health() -> dict[str, Any]:
    return {"status": "ok"}


@router.get(
    "/ready", summary="Readiness: the database answers", response_model=Ready, responses={503: PROBLEM_RESPONSES[503]}
)
async def ready(request: Request) -> dict[str, Any]:
    if not await request.app.state.database.is_ready():
        retry_after = str(request.app.state.settings.retry_after_seconds)
        raise ApiError(503, "The database is not reachable.", {"Retry-After": retry_after})
    return {"status": "ready"}
