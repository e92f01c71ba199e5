"""Liveness and readiness probes (no authentication: orchestrators call them)."""

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.core.errors import PROBLEM_RESPONSES, ApiError

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]


@router.get(
    "",
    operation_id="health",
    summary="Liveness: the process answers (no database call)",
    response_model=Liveness,
    responses={413: PROBLEM_RESPONSES[413], 500: PROBLEM_RESPONSES[500]},
)
async def health() -> Liveness:
    """200 while the process can answer HTTP at all. It never touches the database, so an orchestrator does not
    restart a healthy process during a database outage (that is what `ready` reports)."""
    return Liveness(status="ok")


@router.get(
    "/ready",
    operation_id="ready",
    summary="Readiness: the database answers",
    response_model=Readiness,
    responses={413: PROBLEM_RESPONSES[413], 500: PROBLEM_RESPONSES[500], 503: PROBLEM_RESPONSES[503]},
)
async def ready(request: Request) -> Readiness:
    """200 when a query reaches the database within `DB_TIMEOUT_SECONDS`; otherwise 503 with `Retry-After`, so a
    load balancer stops sending traffic here until the database is back."""
    if not await request.app.state.database.is_ready():
        retry_after = str(request.app.state.settings.retry_after_seconds)
        raise ApiError(503, "The database is not reachable.", {"Retry-After": retry_after})
    return Readiness(status="ready")
