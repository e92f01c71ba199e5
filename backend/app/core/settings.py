"""All configuration, read once from the environment and `.env` files, validated at start-up."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, Request
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

# Secrets shorter than this are refused: HS256 wants at least 256 bits of key (RFC 7518 §3.2).
MIN_SECRET_LENGTH = 32


# backend/.env, wherever the command is run from (the frontend keeps its own .env beside it).
_ENV_FILE = Path(__file__).resolve().parents[2] / ".env"


def normalise_url(url: str) -> str:
    """Accept a URL as Neon or any libpq tool prints it, for SQLAlchemy (Alembic): the driver goes in the scheme.

    Query parameters (sslmode, channel_binding, options=endpoint%3D...) pass through to libpq untouched.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, not {parsed.drivername!r}")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same URL as libpq (and so psycopg) reads it."""
    return make_url(normalise_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


class DatabaseSettings(BaseSettings):
    """What migrations need: only the URL (so `todo-api migrate` works without the token settings)."""

    model_config = SettingsConfigDict(env_file=_ENV_FILE, extra="ignore")

    database_url: str = Field(
        default="",
        description="PostgreSQL URL (a Neon string works verbatim). Empty: the dev CLI starts an embedded one.",
    )
    database_url_unpooled: str = Field(
        default="",
        description="Neon's direct (non-pooler) URL; migrations use it when set, as they need a real session.",
    )

    @model_validator(mode="after")
    def _unpooled_alone_serves_too(self) -> "DatabaseSettings":
        # Only the direct URL given: use it for everything (a pooled one is an optimisation, not a requirement).
        if not self.database_url and self.database_url_unpooled:
            self.database_url = self.database_url_unpooled
        return self

    @property
    def migration_url(self) -> str:
        return self.database_url_unpooled or self.database_url


class Settings(DatabaseSettings):
    # Token verification. Shared-secret (HS256) mode unless a JWKS URL is configured.
    better_auth_secret: SecretStr | None = None
    better_auth_jwks_url: str | None = None
    jwt_user_id_claim: str = "sub"
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_leeway_seconds: float = Field(default=5.0, ge=0, le=300)
    jwks_cache_seconds: int = Field(default=300, ge=0)
    # An unknown `kid` refetches the key set at most this often, so junk tokens cannot hammer the frontend.
    jwks_refetch_cooldown_seconds: float = Field(default=10.0, ge=0)

    cors_origins: Annotated[list[str], NoDecode] = ["http://localhost:3000", "http://127.0.0.1:3000"]
    # Where clients reach this API: the OpenAPI document's `servers` entry (a generated client's default base URL).
    public_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$")
    # Requests per user per minute on the task routes, counted in PostgreSQL so every API process shares the
    # count; 0 turns it off (the default: enable it in production, e.g. 120).
    rate_limit_per_minute: int = Field(default=0, ge=0)
    # A task is at most ~1.3 KB of JSON; 64 KiB leaves room for clients while capping abuse.
    max_body_bytes: int = Field(default=65536, ge=1024)
    # A request body must have arrived this many seconds after its headers, or the answer is 408 and the
    # connection is closed: a client trickling its body cannot hold a connection for minutes.
    body_timeout_seconds: float = Field(default=10.0, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # auto: human-readable lines when stderr is a terminal, JSON lines otherwise (log collectors, containers).
    log_format: Literal["auto", "human", "json"] = "auto"
    # GET /metrics in Prometheus' text format (see app/http/metrics.py); scrape it from inside your network.
    metrics_enabled: bool = True
    # How long the outcome of a request sent with Idempotency-Key is replayed to its repeats (the contract: >= 24 h).
    idempotency_key_ttl_seconds: int = Field(default=86400, ge=1)
    # A repeat that finds its first request still running waits this long for it, then answers 409 + Retry-After.
    idempotency_wait_seconds: float = Field(default=2.0, gt=0)

    # Database pool; defaults fit a small Neon plan (its pooler multiplexes further).
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=5, ge=0)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    db_connect_timeout_seconds: int = Field(default=5, ge=1)
    # Neon closes idle connections after ~5 minutes; recycle ours before that happens.
    db_pool_recycle_seconds: int = Field(default=240, ge=1)
    # Cold starts and restarts: keep trying to connect for this long (capped backoff) before answering 503.
    db_connect_retry_seconds: float = Field(default=3.0, ge=0)
    # The longest a request waits for the database in all (pool, connects, query) before it answers 503.
    db_timeout_seconds: float = Field(default=5.0, gt=0)
    retry_after_seconds: int = Field(default=2, ge=1)
    # On SIGTERM, readiness fails at once and requests are served this long before shutting down: at least a load
    # balancer's check interval x failures (HAProxy's defaults: 2 s x 3). `todo-api run` on the embedded database: 0.
    drain_seconds: float = Field(default=10.0, ge=0)
    # Then, once no new connection is accepted, requests in flight get this long to finish before the process exits.
    shutdown_grace_seconds: int = Field(default=10, ge=1)

    # Hardening (issue 21). A request's line and headers together may take at most this many bytes: past it the
    # answer is 431 while they are still arriving (app/http/header_limit.py). Twice Node's default (16 KiB), so
    # whatever the web app forwards fits; a token is at most 8 KiB.
    max_header_bytes: int = Field(default=32768, ge=1024)
    # JWKS mode: one fetch of the key set must be complete within this many seconds in all (connect, headers,
    # body), and its body at most this many bytes; otherwise it failed (the last good set stays in use).
    jwks_fetch_timeout_seconds: float = Field(default=5.0, gt=0)
    jwks_max_bytes: int = Field(default=65536, ge=1024)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # CORS_ORIGINS="http://a,http://b" reads better in an env file than a JSON list.
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        # Clients join it with paths that start with "/".
        return value.rstrip("/")

    @field_validator("better_auth_jwks_url", "jwt_issuer", "jwt_audience", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _require_a_verification_key(self) -> "Settings":
        if self.better_auth_jwks_url:
            return self
        secret = self.better_auth_secret.get_secret_value() if self.better_auth_secret else ""
        # Said without the value (it is a secret, even a bad one), and with how to fix it.
        if not secret:
            raise ValueError(
                "BETTER_AUTH_SECRET is not set: set it to the frontend's secret (at least "
                f"{MIN_SECRET_LENGTH} characters), or set BETTER_AUTH_JWKS_URL to verify the frontend's JWKS tokens."
            )
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"BETTER_AUTH_SECRET is too short ({len(secret)} characters, at least {MIN_SECRET_LENGTH} are needed)"
                ": use the frontend's secret, or make one with "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))' and give it to both."
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def app_settings(request: Request) -> Settings:
    """The settings the running app was made with (app.main.create_app), for routes and dependencies."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
