"""The database engine and the per-request session."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.settings import Settings


def normalise_url(url: str) -> str:
    """Accept a URL as Neon or any libpq tool prints it; SQLAlchemy needs the driver named in the scheme."""
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, not {parsed.drivername!r}")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def create_db_engine(settings: Settings) -> Engine:
    return create_engine(
        normalise_url(settings.database_url),
        # Every route is one statement, so autocommit saves the BEGIN and COMMIT round trips
        # (each statement is its own transaction; nothing relies on multi-statement atomicity).
        isolation_level="AUTOCOMMIT",
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=settings.db_pool_recycle_seconds,
        connect_args={"connect_timeout": settings.db_connect_timeout_seconds},
    )


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def database_is_ready(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure to answer means "not ready"; the probe must not raise
        return False
