"""`Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header): a write sent again with the same key is
answered with the first outcome instead of running again.

How, in PostgreSQL and in the request's own round trip: the change and the row that remembers it (key, request
fingerprint, the task it returned) are ONE statement (`remembered()`), so both commit or neither does. A repeat
collides with that row's primary key, its statement is rolled back whole, and a second query reads what the first
answered (`_replay()`). A repeat that arrives while the first is still running waits for it on the key's row lock
(at most IDEMPOTENCY_WAIT_SECONDS, then 409 + Retry-After). Failed requests (4xx/5xx) store nothing, so their
key may be used again. Expired keys are treated as absent: each keyed request deletes its user's expired keys, and
about once a minute one request also purges everyone's (purge_expired_idempotency_keys(), migration 0004).
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from psycopg import errors as pg_errors
from sqlalchemy import Interval, func, insert, literal, select, text
from sqlalchemy.sql import ClauseElement
from sqlmodel import bindparam, col, delete

from app.core.db import Database, Row
from app.core.errors import ApiError
from app.core.settings import Settings, SettingsDep
from app.tasks.tables import IdempotencyKey

KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
PURGE_EVERY_SECONDS = 60.0
PURGE_BATCH = 500

_MINE = (col(IdempotencyKey.user_id) == bindparam("owner")) & (col(IdempotencyKey.key) == bindparam("key"))
_FORGET_EXPIRED = delete(IdempotencyKey).where(
    col(IdempotencyKey.user_id) == bindparam("owner"), col(IdempotencyKey.expires_at) <= func.now()
)
_WAIT_FOR_FIRST = text("SELECT set_config('lock_timeout', :lock_timeout, true)")
_PURGE = select(func.purge_expired_idempotency_keys(PURGE_BATCH))
_STORED = select(IdempotencyKey).where(_MINE, col(IdempotencyKey.expires_at) > func.now())


@cache  # one per task statement and status
def remembered(statement: ClauseElement, status: int) -> ClauseElement:
    """`statement` (a task INSERT/UPDATE ... RETURNING) and, from the row it returns, the key's row: one statement."""
    done = statement.cte("done")  # type: ignore[attr-defined]
    outcome = select(
        bindparam("owner"),
        bindparam("key"),
        bindparam("fingerprint"),
        literal(status),
        func.to_jsonb(done.table_valued()),
        func.now() + bindparam("ttl", type_=Interval),
    ).select_from(done)
    columns = ["user_id", "key", "fingerprint", "status", "response", "expires_at"]
    kept = insert(IdempotencyKey).from_select(columns, outcome).cte("kept")
    return select(*done.c).add_cte(kept)  # a data-modifying CTE runs even though nothing reads it


@dataclass(frozen=True)
class KeyedRequest:
    """A write sent with an Idempotency-Key: what it takes to run it once and replay it afterwards."""

    key: str
    request: Request
    settings: Settings

    async def run_once(
        self, db: Database, statement: ClauseElement, params: dict[str, Any], *, response: Response, status: int
    ) -> list[Row]:
        """The first time for real, afterwards the stored outcome (see the module doc)."""
        settings, owner = self.settings, params["owner"]
        keyed = params | {
            "key": self.key,
            "fingerprint": await self._fingerprint(),
            "ttl": timedelta(seconds=settings.idempotency_key_ttl_seconds),
            "lock_timeout": f"{round(settings.idempotency_wait_seconds * 1000)}ms",
        }
        setup: tuple[ClauseElement, ...] = (_WAIT_FOR_FIRST, _FORGET_EXPIRED)
        if _purge_due(self.request, settings.idempotency_key_ttl_seconds):
            setup += (_PURGE,)
        try:
            # A repeat can no longer duplicate anything, so the service may resend it on a dropped connection.
            statement = remembered(statement, status)
            return await db.run(statement, keyed, as_user=owner, idempotent=True, setup=setup)
        except pg_errors.UniqueViolation:
            return await self._replay(db, keyed, response)
        except pg_errors.LockNotAvailable:
            raise _in_progress(settings.retry_after_seconds) from None

    async def _fingerprint(self) -> str:
        """The request a key stands for: method, path (user and task included) and body, byte for byte."""
        digest = hashlib.sha256(f"{self.request.method} {self.request.url.path}\n".encode())
        digest.update(await self.request.body())
        return digest.hexdigest()

    async def _replay(self, db: Database, keyed: dict[str, Any], response: Response) -> list[Row]:
        stored = await db.run(_STORED, keyed, as_user=keyed["owner"], idempotent=True)
        if not stored:  # expired in between: the client's next try will run it afresh
            raise _in_progress(1)
        first = stored[0]
        if first["fingerprint"] != keyed["fingerprint"]:
            raise ApiError(
                422,
                "This Idempotency-Key was already used for a different request (method, path or body). "
                "Use a new key for a new request.",
                code="idempotency_key_reused",
            )
        response.status_code = first["status"]
        response.headers["Idempotent-Replayed"] = "true"
        row: Row = first["response"]  # jsonb: psycopg hands it over already decoded
        return [row]


async def _keyed_request(
    request: Request,
    settings: SettingsDep,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            pattern=KEY_PATTERN,
            description="Makes the request safe to repeat: a repeat with the same key and the same request within "
            "24 h gets the first response again (`Idempotent-Replayed: true`) and nothing runs twice. "
            "1-255 printable ASCII characters; a new random one (e.g. a UUID) per intended change.",
        ),
    ] = None,
) -> KeyedRequest | None:
    if len(request.headers.getlist("idempotency-key")) > 1:
        raise ApiError(400, "Send one Idempotency-Key header, not several.", code="invalid_header")
    return KeyedRequest(key, request, settings) if key is not None else None


IdempotencyKeyDep = Annotated[KeyedRequest | None, Depends(_keyed_request)]


def _in_progress(retry_after: int) -> ApiError:
    return ApiError(
        409,
        "A request with this Idempotency-Key is still being processed. Retry shortly for its result.",
        headers={"Retry-After": str(retry_after)},
        code="request_in_progress",
    )


def _purge_due(request: Request, ttl_seconds: int) -> bool:
    """At most once a minute (or once a lifetime, when that is shorter) per app: the purge is a batch delete."""
    state = request.app.state
    now = time.monotonic()
    if now < getattr(state, "next_idempotency_purge", 0.0):
        return False
    state.next_idempotency_purge = now + min(PURGE_EVERY_SECONDS, ttl_seconds)
    return True
