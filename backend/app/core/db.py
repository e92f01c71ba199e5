"""The database: an async connection pool hardened for Neon, and `Database.run()`, which runs one statement as one user.

Neon suspends idle computes (closing every connection), restarts them, and fronts them with PgBouncer in
transaction mode. What this module does about it, without a ping round trip per request:
- a pooled connection whose server hung up is noticed at checkout from its socket, and replaced (`_hung_up`);
- connections are recycled before Neon's idle cut-off (DB_POOL_RECYCLE_SECONDS);
- connecting is retried with a capped backoff for DB_CONNECT_RETRY_SECONDS (`_RetryingConnection`), so the service
  is back within half a second of the database; meanwhile requests get a 503 instead of waiting;
- a statement that is safe to repeat is repeated once if its connection breaks under it;
- every request's database work has a deadline (DB_TIMEOUT_SECONDS → 503), even while a pooler holds the query;
- no server-side prepared statements or session state: PgBouncer in transaction mode may hand each transaction
  another server connection.
"""

import asyncio
import logging
import select
import time
from collections.abc import AsyncIterator, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Annotated, Any

import psycopg
from fastapi import Depends, Request
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.sql import ClauseElement

from app.core.errors import DatabaseUnavailableError, RateLimitedError
from app.core.settings import Settings, libpq_url

logger = logging.getLogger("app.core.db")
Row = dict[str, Any]
Connection = psycopg.AsyncConnection[DictRow]

# Row-level security (migration 0002) reads the caller from this setting; `true` scopes it to the transaction.
_AS_USER = text("SELECT set_config('app.user_id', :as_user, true)")
# The per-user rate limit (migration 0003, RATE_LIMIT_PER_MINUTE): counted in PostgreSQL, so every process shares
# it; past the limit it raises SQLSTATE RL429, which aborts the request's statement in the same transaction.
_TAKE_RATE_LIMIT_SLOT = text("SELECT take_request_slot(:as_user, :limit)")
_PING = text("SELECT 1")

_DIALECT = PGDialect_psycopg()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=256)
def compiled(statement: ClauseElement) -> tuple[str, dict[str, Any]]:
    """A SQLAlchemy/SQLModel statement as psycopg SQL with named parameters (`%(owner)s`), compiled once, and the
    values of the constants written in it (`Task.version + 1`); the request supplies the named ones."""
    result = statement.compile(dialect=_DIALECT)
    names = result.bind_names  # type: ignore[attr-defined]  # SQL statements compile to a SQLCompiler: it has them
    supplied = {names[bind] for bind in names if bind.required}  # bindparam("owner") etc.: the request's values
    constants = {name: value for name, value in result.params.items() if name not in supplied}
    return str(result), constants


class Database:
    """The pool, and `await db.run(STATEMENT, params, idempotent=...)` → rows as dicts. Opened by the lifespan."""

    def __init__(self, settings: Settings) -> None:
        self.timeout_seconds = settings.db_timeout_seconds
        self.rate_limit = settings.rate_limit_per_minute
        self._connect_retry_seconds = settings.db_connect_retry_seconds
        self._pool_timeout_seconds = settings.db_pool_timeout_seconds
        self._unreachable = False  # the last connect attempt failed: answer 503 quickly instead of queueing
        self._abandoned: set[asyncio.Future[list[Row]]] = set()  # timed-out work still cleaning up
        self.retry_after_seconds = settings.retry_after_seconds
        kwargs: dict[str, Any] = {
            "autocommit": True,  # one statement per request: no BEGIN/COMMIT round trips
            "row_factory": dict_row,
            "connect_timeout": settings.db_connect_timeout_seconds,
            "prepare_threshold": None,  # never server-side prepared statements: PgBouncer < 1.21 cannot route them
        }
        self.pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            libpq_url(settings.database_url),
            connection_class=_retrying_connection_class(self),
            kwargs=kwargs,
            min_size=0,  # connect on demand; idle connections above it close after max_idle
            max_size=settings.db_pool_size + settings.db_max_overflow,
            timeout=settings.db_pool_timeout_seconds,
            max_lifetime=settings.db_pool_recycle_seconds,
            max_idle=settings.db_pool_recycle_seconds,
            # Each connect already retries for DB_CONNECT_RETRY_SECONDS (capped backoff, below); the pool's own
            # retry backs off without a cap (1 s, 2 s, 4 s...), so it gives up at once and the next request that
            # needs a connection starts a fresh attempt.
            reconnect_timeout=0,
            open=False,
        )

    async def open(self) -> None:
        await self.pool.open(wait=False)

    async def close(self) -> None:
        await self.pool.close()

    async def run(
        self,
        statement: ClauseElement,
        params: Mapping[str, Any] | None = None,
        *,
        as_user: str,
        idempotent: bool,
        setup: Sequence[ClauseElement] = (),
    ) -> list[Row]:
        """Run one statement as the user `as_user` (row-level security) in ONE network round trip, within
        DB_TIMEOUT_SECONDS; its rows as dicts. `params` fills its named parameters.

        `setup` statements run first, in the same round trip and transaction (their results are dropped). If the
        connection breaks under a statement that is safe to repeat (`idempotent`), it is repeated once on another
        connection; otherwise the failure is a 503 and the client decides whether to retry.
        """
        steps: list[tuple[ClauseElement, Mapping[str, Any]]] = [(_AS_USER, {"as_user": as_user})]
        if self.rate_limit:
            steps.append((_TAKE_RATE_LIMIT_SLOT, {"as_user": as_user, "limit": self.rate_limit}))
        steps += [(step, params or {}) for step in (*setup, statement)]
        finished = await self._within_deadline(self._run(steps, idempotent))
        if finished is None:
            raise DatabaseUnavailableError(f"no answer within {self.timeout_seconds} s", self.retry_after_seconds)
        return finished.result()

    async def _within_deadline(self, work: Coroutine[Any, Any, list[Row]]) -> "asyncio.Future[list[Row]] | None":
        """`work` in a task of its own, done within DB_TIMEOUT_SECONDS; else None. Past the deadline the caller
        answers at once, while psycopg cancels the query on the server in the background (through a pooler that
        may itself wait seconds for a server)."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait((task,), timeout=self.timeout_seconds)
        if done:
            return task
        task.cancel()
        self._abandoned.add(task)
        task.add_done_callback(self._abandoned.discard)
        return None

    async def _run(self, steps: list[tuple[ClauseElement, Mapping[str, Any]]], idempotent: bool) -> list[Row]:
        try:
            for attempt in (1, 2):
                async with self._connection() as connection:
                    try:
                        return await self._scoped(connection, steps)
                    except psycopg.OperationalError:
                        if attempt == 2 or not idempotent or not connection.broken:
                            raise
                        logger.warning("connection lost during an idempotent statement; retrying once")
        except psycopg.Error as error:
            if error.sqlstate == "RL429":
                raise RateLimitedError(self.rate_limit, int(error.diag.message_detail or 60)) from error
            if isinstance(error, psycopg.errors.LockNotAvailable):
                raise  # a lock_timeout the caller set (app.tasks.idempotency): its answer, not an outage
            if isinstance(error, psycopg.OperationalError):
                raise DatabaseUnavailableError(str(error).strip(), self.retry_after_seconds) from error
            raise
        except PoolTimeout as error:
            raise DatabaseUnavailableError(str(error), self.retry_after_seconds) from error
        raise AssertionError("unreachable")

    async def _scoped(self, connection: Connection, steps: list[tuple[ClauseElement, Mapping[str, Any]]]) -> list[Row]:
        """The row-level security context (and, with a rate limit, the slot check) and the statement, sent as ONE
        simple-protocol query: PostgreSQL runs the statements of one query message as one transaction, so the
        context set with `set_config(..., true)` holds for the statement and ends with it.

        Each step's parameters are bound on the client by psycopg (libpq's escaping, for the connection's
        encoding), each step on its own, so the constants of two steps never share a name.
        """
        cursor = psycopg.AsyncClientCursor(connection, row_factory=dict_row)
        parts = []
        for step, params in steps:
            sql, constants = compiled(step)
            parts.append(cursor.mogrify(sql, constants | dict(params)))
        await cursor.execute(";".join(parts))
        for _ in steps[1:]:
            cursor.nextset()
        return await cursor.fetchall()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Connection]:
        # While the database is unreachable, wait no longer than one connect attempt's budget: a 503 now is
        # better than a queue that grows until the pool's own timeout.
        wait = min(self._pool_timeout_seconds, self._connect_retry_seconds) if self._unreachable else None
        while True:
            connection = await self.pool.getconn(timeout=wait)
            if _hung_up(connection):
                # Closed, the pool replaces it in the background. (The pool's own `check` hook would back off
                # 1 s, 2 s... between dead connections: after Neon's suspend every pooled one is dead.)
                await connection.close()
                await self.pool.putconn(connection)
                continue
            try:
                yield connection
            finally:
                await self.pool.putconn(connection)  # the pool closes one left mid-query (timeout, cancellation)
            return

    async def is_ready(self) -> bool:
        """One `SELECT 1` on a pooled connection within DB_TIMEOUT_SECONDS, and nothing else: no user context and no
        rate limit slot (every balancer probes every replica every few seconds; through `run` all their probes
        took slots from one shared bucket, and past RATE_LIMIT_PER_MINUTE every replica looked down at once)."""

        async def ping() -> list[Row]:
            async with self._connection() as connection:
                return await (await connection.execute(compiled(_PING)[0])).fetchall()

        finished = await self._within_deadline(ping())
        # No answer in time, or any failure to answer, means "not ready"; the probe itself must not raise.
        return finished is not None and not finished.cancelled() and finished.exception() is None


def _retrying_connection_class(database: Database) -> type[Connection]:
    class RetryingConnection(psycopg.AsyncConnection[DictRow]):
        """Connects with a capped backoff within DB_CONNECT_RETRY_SECONDS (cold starts, restarts)."""

        @classmethod
        async def connect(cls, conninfo: str = "", **kwargs: Any) -> "RetryingConnection":
            deadline = time.monotonic() + database._connect_retry_seconds
            delay = 0.05
            while True:
                try:
                    connection = await super().connect(conninfo, **kwargs)
                except psycopg.OperationalError as error:
                    if not _retryable(error) or time.monotonic() + delay > deadline:
                        database._unreachable = True
                        raise
                    logger.warning("database connect failed, retrying in %.2f s: %s", delay, str(error).strip())
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 0.5)  # capped: back within half a second of the database
                else:
                    database._unreachable = False
                    return connection

    return RetryingConnection


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
    "no such file or directory",  # a local server's unix socket, gone while it restarts
)


def _retryable(error: psycopg.OperationalError) -> bool:
    # 57P0x: shutting down / starting up; 08xxx: connection failures the server reported. Anything else (bad
    # password, no such database, TLS or channel binding refused) will not heal by waiting.
    if error.sqlstate:
        return error.sqlstate.startswith(("57P", "08"))
    message = str(error).lower()
    return any(words in message for words in _TRANSIENT)


def _hung_up(connection: Connection) -> bool:
    """Zero-round-trip liveness check at checkout: an idle connection's socket has nothing to read unless the
    server closed it (or sent a FATAL before closing, as on restarts and Neon's suspend)."""
    if connection.closed:
        return True
    try:
        readable, _, _ = select.select([connection.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.OperationalError):
        return True  # no usable socket: certainly dead
    return bool(readable)


async def get_database(request: Request) -> Database:
    """The app's pool (opened by the lifespan in app.main)."""
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]
