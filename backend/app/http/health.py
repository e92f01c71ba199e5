"""Liveness and readiness probes (no authentication: orchestrators call them).

Balancers probe every few seconds, from every balancer to every replica: a probe never counts against the rate
limit and costs the database one `SELECT 1` at most (none at all for liveness, or while draining)."""

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.core.errors import PROBLEM_RESPONSES, ApiError
from app.http.drain import drain_on_sigterm, draining

router = APIRouter(prefix="/health", tags=["health"], lifespan=drain_on_sigterm)


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
    # Also 503 from the moment the process is told to stop (SIGTERM, app.http.drain): it serves on for
    # DRAIN_SECONDS while balancers take it out of rotation. (This docstring is the OpenAPI description, which
    # the frontend's generated types copy: saying so there means regenerating them.)
    retry_after = {"Retry-After": str(request.app.state.settings.retry_after_seconds)}
    if draining(request.app):
        raise ApiError(503, "This instance is shutting down; others are serving.", retry_after, code="shutting_down")
    if not await request.app.state.database.is_ready():
        raise ApiError(503, "The database is not reachable.", retry_after, code="database_unavailable")
    return Readiness(status="ready")
