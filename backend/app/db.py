"""The database engine and the per-request session, built for Neon: pooler-safe, and robust to dropped connections.

Neon suspends idle computes (closing every connection), restarts them, and fronts them with PgBouncer in
transaction mode. What this module does about it, without a ping round trip per request:
- a connection whose server side hung up while it sat in the pool is noticed at checkout by looking at its
  socket (a closed or chatty socket on an idle connection means it is dead) and replaced;
- connections are recycled before Neon's idle cut-off (DB_POOL_RECYCLE_SECONDS);
- connecting is retried with capped backoff within DB_CONNECT_RETRY_SECONDS (cold start, restarts);
- statements that are safe to repeat are retried once on a fresh connection if the connection breaks under them;
- each statement carries the caller's id for row-level security in the same round trip;
- psycopg's server-side prepared statements are off by default: PgBouncer before 1.21 cannot route them.
"""

import logging
import select
import time
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Annotated, Any, TypeVar

import anyio
import psycopg
from fastapi import Depends, Request
from psycopg.rows import dict_row
from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.sql import ClauseElement

from app.settings import Settings

logger = logging.getLogger("app.db")
T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Accept a URL as Neon or any libpq tool prints it; SQLAlchemy needs the driver named in the scheme.

    Query parameters (sslmode, channel_binding, options=endpoint%3D...) pass through to libpq untouched.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, not {parsed.drivername!r}")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def create_db_engine(settings: Settings) -> Engine:
    connect_args: dict[str, Any] = {"connect_timeout": settings.db_connect_timeout_seconds}
    if not settings.db_prepared_statements:
        connect_args["prepare_threshold"] = None
    engine = create_engine(
        normalise_url(settings.database_url),
        # Every route is one statement, so autocommit saves the BEGIN and COMMIT round trips
        # (each statement is its own transaction; nothing relies on multi-statement atomicity).
        isolation_level="AUTOCOMMIT",
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=settings.db_pool_recycle_seconds,
        connect_args=connect_args,
    )
    _retry_connects(engine, settings.db_connect_retry_seconds)
    event.listen(engine.pool, "checkout", _discard_if_hung_up)
    return engine


# libpq's words for "the server is not there (yet)": worth another try within the budget.
_TRANSIENT = (
    "connection refused",
    "timeout expired",
    "server closed the connection",
    "connection reset",
    "no route to host",
    "network is unreachable",
    "starting up",
    "shutting down",
)


def _retryable(error: psycopg.OperationalError) -> bool:
    # 57P0x: shutting down / starting up; 08xxx: connection failures the server reported. Anything else (bad
    # password, no such database, TLS or channel binding refused) will not heal by waiting.
    if error.sqlstate:
        return error.sqlstate.startswith(("57P", "08"))
    message = str(error).lower()
    return any(words in message for words in _TRANSIENT)


def _retry_connects(engine: Engine, budget_seconds: float) -> None:
    @event.listens_for(engine, "do_connect")
    def connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        deadline = time.monotonic() + budget_seconds
        delay = 0.1
        while True:
            try:
                return dialect.loaded_dbapi.connect(*cargs, **cparams)
            except psycopg.OperationalError as error:
                if not _retryable(error) or time.monotonic() + delay > deadline:
                    raise
                logger.warning("database connect failed, retrying in %.1f s: %s", delay, str(error).strip())
                time.sleep(delay)
                delay = min(delay * 2, 1.0)


def _discard_if_hung_up(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Zero-round-trip liveness check: an idle connection's socket has nothing to read unless the server closed it
    (or sent a FATAL before closing, as on restarts and Neon's suspend). Raising DisconnectionError makes the pool
    discard it and check out another."""
    try:
        readable, _, _ = select.select([dbapi_connection.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.OperationalError):
        readable = [True]  # no usable socket: certainly dead
    if readable or dbapi_connection.closed:
        raise exc.DisconnectionError("server closed the idle connection")


# The service's statements are module constants with named bind parameters: compile each once.
_DIALECT = PGDialect_psycopg()  # type: ignore[no-untyped-call]
# Row-level security reads the caller from this setting (migration 0002); `true` scopes it to the transaction.
_SET_USER = "SELECT set_config('app.user_id', %(owner)s, true)"
# Per-user rate limit (migration 0003): raises SQLSTATE RL429 past the limit, aborting the whole pipeline.
_TAKE_SLOT = "SELECT take_request_slot(%(owner)s, %(rate_limit)s)"


class RateLimitedError(Exception):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("rate limit exceeded")
        self.retry_after_seconds = retry_after_seconds


@lru_cache(maxsize=128)
def _sql(statement: ClauseElement) -> str:
    return str(statement.compile(dialect=_DIALECT))


def execute(
    engine: Engine, statement: ClauseElement, params: dict[str, Any], *, idempotent: bool, rate_limit: int = 0
) -> list[dict[str, Any]]:
    """Run one task statement as the user `params["owner"]`, in ONE network round trip: set_config (and, with a
    rate limit, the slot check) and the statement go out together in a psycopg pipeline, which the server runs as
    one implicit transaction.

    If the connection breaks under a statement that is safe to repeat, it is repeated once on a fresh connection;
    otherwise the error propagates (a 503: the client decides whether to retry). Blocking: call it in a thread.
    """
    for attempt in (1, 2):
        with engine.connect() as connection:
            driver: psycopg.Connection[Any] = connection.connection.driver_connection  # type: ignore[assignment]
            try:
                with driver.pipeline():
                    driver.execute(_SET_USER, params)
                    if rate_limit:
                        driver.execute(_TAKE_SLOT, {"owner": params["owner"], "rate_limit": rate_limit})
                    cursor = driver.cursor(row_factory=dict_row)
                    cursor.execute(_sql(statement), params)
                return cursor.fetchall()
            except psycopg.OperationalError:
                if not (driver.broken or driver.closed):
                    raise
                connection.invalidate()  # the pool replaces it
                if not idempotent or attempt == 2:
                    raise
                logger.warning("connection lost during an idempotent statement; retrying once")
            except psycopg.Error as error:
                if error.sqlstate == "RL429":
                    raise RateLimitedError(int(error.diag.message_detail or 60)) from error
                raise
    raise AssertionError("unreachable")


class Database:
    """What routes use: `await db.run(STATEMENT, params, idempotent=...)` → rows as dicts.

    The blocking call runs in a worker thread under a deadline (DB_TIMEOUT_SECONDS). Past it the request gets a
    503 at once, even when a pooler keeps the query waiting for a server; the abandoned thread finishes on its own.
    """

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.timeout_seconds = settings.db_timeout_seconds
        self.rate_limit = settings.rate_limit_per_minute
        # As many threads as the pool has connections: more would only wait for one, each with its own stack and
        # malloc arena, and contend for the GIL (anyio's default is 40).
        self._threads = anyio.CapacityLimiter(settings.db_pool_size + settings.db_max_overflow)

    async def run(self, statement: ClauseElement, params: dict[str, Any], *, idempotent: bool) -> list[dict[str, Any]]:
        call = partial(execute, self.engine, statement, params, idempotent=idempotent, rate_limit=self.rate_limit)
        return await self._in_thread(call)

    async def is_ready(self) -> bool:
        try:
            return await self._in_thread(partial(_answers, self.engine))
        except Exception:  # any failure to answer means "not ready"; the probe must not raise
            return False

    async def _in_thread(self, call: Callable[[], T]) -> T:
        try:
            with anyio.fail_after(self.timeout_seconds):
                return await anyio.to_thread.run_sync(call, abandon_on_cancel=True, limiter=self._threads)
        except TimeoutError as error:
            raise DatabaseTimeoutError from error


class DatabaseTimeoutError(Exception):
    """The database did not answer within DB_TIMEOUT_SECONDS (rendered as a 503 by app.errors)."""


def _answers(engine: Engine) -> bool:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return True


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]
