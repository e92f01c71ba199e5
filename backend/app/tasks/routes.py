"""The task routes. Each handler is one SQL statement with ownership in its WHERE clause: one round trip.

Safe retries (app.tasks.preconditions, app.tasks.idempotency): every single-task answer carries the task's ETag
and the list its own; If-None-Match gives 304, If-Match is checked inside the change's own WHERE (412 when it
fails), and a write with an Idempotency-Key is remembered with the change itself.
"""

from functools import lru_cache
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Text, any_, case, cast, func, insert, literal_column, not_
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import ClauseElement
from sqlmodel import bindparam, col, delete, select, update

from app.core.auth import OwnerDep, UserIdPath, verified_owner
from app.core.db import Row, database
from app.core.errors import PROBLEM_RESPONSES, ApiError
from app.docs.openapi import IF_MATCH, IF_NONE_MATCH, conditional_responses, reads_header
from app.tasks.idempotency import IdempotencyKeyDep, run_once
from app.tasks.models import CompletionUpdate, Task, TaskCreate, TaskList, TaskRead, TaskUpdate, task_read_columns
from app.tasks.preconditions import if_match, if_none_match, list_etag, task_etag

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"], responses=PROBLEM_RESPONSES)

_BIGINT_MAX = 2**63 - 1

# The statements, written with SQLModel against the model, with named parameters; app.core.db compiles each once.
# `owner` is always the caller's verified user id: every statement is scoped by it, and row-level security checks
# it again. Each returns whole rows, so a route never reads a task back. Every change raises `version` (the ETag).
_MINE = (col(Task.id) == bindparam("id")) & (col(Task.user_id) == bindparam("owner"))
_ROW = tuple(Task.__table__.c)  # type: ignore[attr-defined]  # rows as plain dicts, no ORM objects
# The two reads come back as their JSON bodies, rendered by PostgreSQL (text values: no row objects, no validation
# and serialisation on the way out; ~200 µs less CPU for a list of 20, ~5% of a GET's instructions,
# docs/performance.md), byte for byte what pydantic writes for the changes. The list is newest first.
_SHOWN = select(*task_read_columns()).correlate(Task).lateral("task")
_AS_JSON = cast(func.row_to_json(_SHOWN.table_valued()), Text)
_ITEMS = func.string_agg(
    _AS_JSON, aggregate_order_by(literal_column("','"), col(Task.created_at).desc(), col(Task.id).desc())
)
LIST = (
    select(func.concat(literal_column("'['"), _ITEMS, literal_column("']'")).label("body"))
    .select_from(Task)
    .join(_SHOWN, literal_column("true"))
    .where(col(Task.user_id) == bindparam("owner"))
)
GET = (  # id and version make the ETag
    select(col(Task.id), col(Task.version), _AS_JSON.label("body"))
    .select_from(Task)
    .join(_SHOWN, literal_column("true"))
    .where(_MINE)
)
CREATE = (
    insert(Task)
    .values(
        user_id=bindparam("owner"),
        title=bindparam("title"),
        description=bindparam("description"),
        completed=bindparam("completed"),
    )
    .returning(*_ROW)
)
DELETE = delete(Task).where(_MINE).returning(*_ROW)
# NOT completed is evaluated by the database under the row lock: concurrent toggles never lose one.
_NEXT_VERSION = col(Task.version) + literal_column("1")  # SQL text: app.core.db binds only request parameters
TOGGLE = (
    update(Task)
    .where(_MINE)
    .values(completed=not_(col(Task.completed)), updated_at=func.now(), version=_NEXT_VERSION)
    .returning(*_ROW)
)
# Setting the value a task already has is not a modification: updated_at stays (and a retry changes nothing).
SET_COMPLETED = (
    update(Task)
    .where(_MINE)
    .values(
        completed=bindparam("completed"),
        updated_at=case((col(Task.completed) == bindparam("completed"), col(Task.updated_at)), else_=func.now()),
        version=case((col(Task.completed) == bindparam("completed"), col(Task.version)), else_=_NEXT_VERSION),
    )
    .returning(*_ROW)
)


@lru_cache(maxsize=8)
def _update(fields: frozenset[str]) -> ClauseElement:
    """PUT changes only the fields sent: one statement per combination (at most 7), built once."""
    values: dict[str, Any] = {name: bindparam(name) for name in sorted(fields)}
    return update(Task).where(_MINE).values(**values, updated_at=func.now(), version=_NEXT_VERSION).returning(*_ROW)


@lru_cache(maxsize=16)
def _guarded(statement: ClauseElement) -> ClauseElement:
    """The same change, only if the task is still at one of the versions If-Match named: check and change are one
    atomic step (a concurrent change makes PostgreSQL re-check the WHERE on the new row, and it fails)."""
    guarded: ClauseElement = statement.where(col(Task.version) == any_(bindparam("versions")))  # type: ignore[attr-defined]
    return guarded


TaskIdPath = Annotated[
    str,
    Path(
        description="The task's id. Anything that is not one (`abc`, `0`, `01`, past 2^63-1) is a 404, "
        "like a task that does not exist: never a 400.",
        # Read as text so that a bad id is a 404 (the contract), yet documented as what a client should send.
        json_schema_extra={"type": "integer", "format": "int64", "minimum": 1, "maximum": _BIGINT_MAX},
    ),
]


def task_id(id: str) -> int:
    """The `{id}` of the path. Anything that cannot be a task id is a 404, like a task that does not exist."""
    if not id.isascii() or not id.isdigit() or id.startswith("0") or int(id) > _BIGINT_MAX:
        raise ApiError(404, "Task was not found.")
    return int(id)


class OwnTask(NamedTuple):
    owner: str  # the caller's own user id
    id: int


async def own_task(user_id: UserIdPath, id: TaskIdPath, request: Request) -> OwnTask:
    """The one dependency of the single-task routes: the path's user once the token names it (401, 403), then
    the path's task id (404) — in that order, and before any body is read."""
    return OwnTask(await verified_owner(request, user_id), task_id(id))


OwnTaskDep = Annotated[OwnTask, Depends(own_task)]


# The changes return their rows as dicts and FastAPI validates them once against `response_model` on the way out
# (returning TaskRead instances would validate each row twice); the reads return PostgreSQL's JSON as it is.


def _not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag})


async def _change(
    request: Request,
    statement: ClauseElement,
    params: dict[str, Any],
    response: Response,
    *,
    idempotent: bool,
    key: str | None = None,
) -> Row:
    """One task write: guarded by the request's If-Match when sent, remembered under Idempotency-Key when sent."""
    db, condition = database(request), if_match(request)
    versions = condition.versions_of(params["id"]) if condition is not None else None
    rows: list[Row] = []
    if versions is not None:
        statement, params = _guarded(statement), params | {"versions": versions}
    if versions != []:  # [] is an If-Match that names no version of this task: nothing to try
        if key is not None:
            rows = await run_once(db, statement, params, key=key, request=request, response=response, status=200)
        else:
            rows = await db.run(statement, params, idempotent=idempotent)
    if not rows:  # missing or someone else's is a 404, whatever the precondition: nothing leaks
        current = await db.run(GET, params, idempotent=True) if condition is not None else []
        if current:  # a second round trip, only on this failure path
            raise ApiError(
                412,
                f"Task {params['id']} has changed since you read it: its ETag is no longer one in If-Match. "
                "Fetch it again and decide whether to repeat your change.",
                headers={"ETag": task_etag(current[0])},
            )
        raise ApiError(404, f"Task {params['id']} was not found.")
    response.headers["ETag"] = task_etag(rows[0])
    return rows[0]


@router.get(
    "",
    operation_id="listTasks",
    summary="List my tasks, newest first",
    response_model=TaskList,
    responses=conditional_responses(304),
    openapi_extra=reads_header(IF_NONE_MATCH),
)
async def list_tasks(owner: OwnerDep, request: Request) -> Response:
    """All of the user's tasks, newest first, with an `ETag` for the whole list: send it back as `If-None-Match`
    to get a 304 with no body while nothing in the list has changed."""
    rows = await database(request).run(LIST, {"owner": owner}, idempotent=True)
    body = rows[0]["body"].encode()  # the JSON, from PostgreSQL (above): returned as is
    etag = list_etag(body)
    condition = if_none_match(request)
    if condition is not None and condition.matches_weakly(etag):
        return _not_modified(etag)
    return Response(body, media_type="application/json", headers={"ETag": etag})


@router.post(
    "",
    status_code=201,
    operation_id="createTask",
    summary="Create a task",
    response_model=TaskRead,
    responses=conditional_responses(409, 422, created=True),
)
async def create_task(
    owner: OwnerDep, body: TaskCreate, request: Request, response: Response, key: IdempotencyKeyDep
) -> Row:
    """Creates a task (`completed` is false unless sent) and answers 201 with it, its `Location` and `ETag`.
    With an `Idempotency-Key`, a repeat of the same request gets this same answer back and creates nothing."""
    params, db = {"owner": owner, **body.model_dump()}, database(request)
    if key is not None:
        rows = await run_once(db, CREATE, params, key=key, request=request, response=response, status=201)
    else:  # not repeated on a dropped connection: the first attempt may have inserted the row
        rows = await db.run(CREATE, params, idempotent=False)
    row = rows[0]
    # The collection's own path plus the id: what url_for("get_task") gives, without its search through every
    # route (~15% of a create's instructions, measured).
    response.headers["Location"] = f"{request.url.path}/{row['id']}"
    response.headers["ETag"] = task_etag(row)
    return row


@router.get(
    "/{id}",
    operation_id="getTask",
    summary="Get one task",
    response_model=TaskRead,
    responses=conditional_responses(304),
    openapi_extra=reads_header(IF_NONE_MATCH),
)
async def get_task(task: OwnTaskDep, request: Request) -> Response:
    """The task with its `ETag`; 304 with no body when `If-None-Match` names its current version. Another
    user's task is a 404, exactly like a missing one."""
    rows = await database(request).run(GET, {"owner": task.owner, "id": task.id}, idempotent=True)
    if not rows:  # missing or someone else's: the same answer, so nothing leaks
        raise ApiError(404, f"Task {task.id} was not found.")
    etag = task_etag(rows[0])
    condition = if_none_match(request)
    if condition is not None and condition.matches_weakly(etag):
        return _not_modified(etag)
    return Response(rows[0]["body"].encode(), media_type="application/json", headers={"ETag": etag})


@router.put(
    "/{id}",
    operation_id="updateTask",
    summary="Update some fields of a task",
    response_model=TaskRead,
    responses=conditional_responses(412),
    openapi_extra=reads_header(IF_MATCH),
)
async def update_task(task: OwnTaskDep, body: TaskUpdate, request: Request, response: Response) -> Row:
    """Changes the fields sent (at least one of `title`, `description`, `completed`) and keeps the others;
    `"description": null` clears it. With `If-Match`, only if the task is still at that version (else 412)."""
    changes = body.changes()
    params = {"owner": task.owner, "id": task.id, **changes}
    return await _change(request, _update(frozenset(changes)), params, response, idempotent=True)


@router.delete(
    "/{id}",
    operation_id="deleteTask",
    summary="Delete a task (returns it)",
    response_model=TaskRead,
    responses=conditional_responses(412),
    openapi_extra=reads_header(IF_MATCH),
)
async def delete_task(task: OwnTaskDep, request: Request, response: Response) -> Row:
    """Deletes the task and answers with it as it was. With `If-Match`, only if nobody changed it since (else 412).
    A second delete is a 404."""
    # Not repeated: if the first attempt deleted the row, a repeat would wrongly answer 404.
    return await _change(request, DELETE, {"owner": task.owner, "id": task.id}, response, idempotent=False)


@router.patch(
    "/{id}/complete",
    operation_id="completeTask",
    summary="Toggle completion, or set it with a body",
    response_model=TaskRead,
    responses=conditional_responses(409, 412, 422),
    openapi_extra=reads_header(IF_MATCH),
)
async def complete_task(
    task: OwnTaskDep,
    request: Request,
    response: Response,
    key: IdempotencyKeyDep,
    body: Annotated[CompletionUpdate | None, Body()] = None,
) -> Row:
    """No body (or `{}`) toggles `completed` atomically: two concurrent toggles give back the original value.
    `{"completed": true|false}` sets it (safe to repeat). A toggle is made safe to repeat by an `Idempotency-Key`;
    `If-Match` makes either conditional (else 412)."""
    if body is None and await request.body():  # JSON `null`: FastAPI reads it as no body; it is not an object
        raise RequestValidationError([{"type": "model_type", "loc": ("body",), "msg": "not an object", "input": None}])
    target = body.completed if body is not None else None
    params: dict[str, Any] = {"owner": task.owner, "id": task.id}
    if target is None:  # a toggle is not safe to repeat: only with a key (then a repeat is a replay)
        statement, idempotent = TOGGLE, False
    else:
        statement, idempotent, params = SET_COMPLETED, True, params | {"completed": target}
    return await _change(request, statement, params, response, idempotent=idempotent, key=key)
