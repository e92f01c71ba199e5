"""The application factory: settings, middleware, routers and error handlers — nothing else."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from app.core.auth import TokenVerifier
from app.core.db import Database
from app.core.errors import install_error_handlers
from app.core.settings import Settings, get_settings
from app.docs.openapi import install_openapi
from app.docs.pages import documented_app
from app.http import health
from app.http.cors import CORS
from app.http.hardening import HardeningMiddleware, install_relative_slash_redirects
from app.http.limits import BodySizeLimitMiddleware
from app.http.metrics import install_metrics
from app.http.observability import Recorder, RequestObserver, log_access
from app.tasks import routes as tasks


def create_app(
    settings: Settings | None = None, routers: Sequence[APIRouter] = (health.router, tasks.router)
) -> FastAPI:
    """The service. `routers` is a seam for the benchmark's framework ceiling (same stack, constant data)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await app.state.database.open()
        yield
        await app.state.database.close()

    app = documented_app(  # FastAPI with /docs and /redoc served offline (app/docs/pages.py)
        title="Todo API",
        version="0.1.0",
        summary="Multi-user tasks; every /api route needs a Better Auth JWT and sees only its user's rows.",
        lifespan=lifespan,
        # No OpenTelemetry here: without this FastAPI asks for a tracer provider on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.database = Database(settings)
    app.state.verifier = TokenVerifier(settings)

    install_error_handlers(app)
    install_openapi(app)
    for router in routers:
        app.include_router(router)
    install_relative_slash_redirects(app)  # never an absolute URL built from the client's Host

    # Added innermost first: the request id wraps everything, so even the access log line carries it.
    app.add_middleware(
        CORS,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID", "Idempotency-Key", "If-Match", "If-None-Match"],
        expose_headers=["Location", "X-Request-ID", "Retry-After", "ETag", "Idempotent-Replayed"],
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    recorders: list[Recorder] = [log_access]
    if settings.metrics_enabled:
        recorders.append(install_metrics(app, app.state.database))  # GET /metrics (Prometheus), and the counting
    app.add_middleware(RequestObserver, recorders=recorders)
    app.add_middleware(HardeningMiddleware, body_timeout_seconds=settings.body_timeout_seconds)
    return app
