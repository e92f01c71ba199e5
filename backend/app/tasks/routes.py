"""The task routes: thin handlers whose signatures read like the contract. Each runs one statement of
app.tasks.queries with ownership in its WHERE clause: one round trip.

Safe retries: every answer carrying a task has its ETag (the list its own); If-None-Match gives 304; If-Match is
checked inside the change's own WHERE (412 when it fails); a write with an Idempotency-Key is remembered with the
change itself (app.tasks.idempotency).
"""

from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.sql import ClauseElement

from app.core.auth import OwnerDep, UserIdPath, owned_by_caller
from app.core.db import Database, DatabaseDep, Row
from app.core.errors import PROBLEM_RESPONSES, ApiError
from app.tasks import queries
from app.tasks.idempotency import IdempotencyKeyDep, KeyedRequest
from app.tasks.models import TASK_LIST, CompletionUpdate, TaskCreate, TaskList, TaskRead, TaskUpdate, etag_of, shown
from app.tasks.preconditions import IF_MATCH, IF_NONE_MATCH, Condition, IfMatchDep, IfNoneMatchDep, list_etag
from app.tasks.responses import conditional_responses, documents_header

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"], responses=PROBLEM_RESPONSES)

_BIGINT_MAX = 2**63 - 1
TaskIdPath = Annotated[
    str,
    Path(
        description="The task's id. Anything that is not one (`abc`, `0`, `01`, past 2^63-1) is a 404, "
        "like a task that does not exist: never a 400.",
        # Read as text so that a bad id is a 404 (the contract), yet documented as what a client should send.
        json_schema_extra={"type": "integer", "format": "int64", "minimum": 1, "maximum": _BIGINT_MAX},
    ),
]


class OwnTask(NamedTuple):
    owner: str  # the caller's own user id
    id: int


async def _own_task(user_id: UserIdPath, id: TaskIdPath, request: Request) -> OwnTask:
    """The path's user once the token names it (401, 403), then the path's task id (404), before any body is read."""
    owner = await owned_by_caller(request, user_id)
    if not id.isascii() or not id.isdigit() or id.startswith("0") or int(id) > _BIGINT_MAX:
        raise ApiError(404, "Task was not found.", code="task_not_found")
    return OwnTask(owner, int(id))


OwnTaskDep = Annotated[OwnTask, Depends(_own_task)]


def _not_found(task_id: int) -> ApiError:
    # Missing or someone else's: the same answer, so nothing leaks.
    return ApiError(404, f"Task {task_id} was not found.", code="task_not_found")


def _not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag})


async def _change(
    db: Database,
    statement: ClauseElement,
    params: dict[str, Any],
    response: Response,
    *,
    condition: Condition | None,
    idempotent: bool,
    keyed: KeyedRequest | None = None,
) -> TaskRead:
    """One task write: guarded by If-Match when sent, remembered under Idempotency-Key when sent."""
    owner, task_id = params["owner"], params["id"]
    versions = condition.versions_of(task_id) if condition is not None else None
    rows: list[Row] = []
    if versions is not None:
        statement, params = queries.guarded(statement), params | {"versions": versions}
    if versions != []:  # [] is an If-Match that names no version of this task: nothing to try
        if keyed is not None:
            rows = await keyed.run_once(db, statement, params, response=response, status=200)
        else:
            rows = await db.run(statement, params, as_user=owner, idempotent=idempotent)
    if not rows:
        current = await db.run(queries.GET, params, as_user=owner, idempotent=True) if condition else []
        if current:  # a second round trip, only on this failure path
            raise ApiError(
                412,
                f"Task {task_id} has changed since you read it: its ETag is no longer one in If-Match. "
                "Fetch it again and decide whether to repeat your change.",
                headers={"ETag": etag_of(task_id, current[0]["version"])},
                code="stale_version",
            )
        raise _not_found(task_id)
    task = TaskRead.from_row(rows[0])
    response.headers["ETag"] = task.etag
    return task


@router.get(
    "",
    operation_id="listTasks",
    summary="List my tasks, newest first",
    response_model=TaskList,
    responses=conditional_responses(304),
    openapi_extra=documents_header(IF_NONE_MATCH),
)
async def list_tasks(owner: OwnerDep, db: DatabaseDep, if_none_match: IfNoneMatchDep) -> Response:
    """All of the user's tasks, newest first, with an `ETag` for the whole list: send it back as `If-None-Match`
    to get a 304 with no body while nothing in the list has changed."""
    rows = await db.run(queries.LIST, {"owner": owner}, as_user=owner, idempotent=True)
    body = TASK_LIST.dump_json(TASK_LIST.validate_python([shown(row) for row in rows]))
    etag = list_etag(body)
    if if_none_match is not None and if_none_match.matches_weakly(etag):
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
    owner: OwnerDep, body: TaskCreate, db: DatabaseDep, keyed: IdempotencyKeyDep, request: Request, response: Response
) -> TaskRead:
    """Creates a task (`completed` is false unless sent) and answers 201 with it, its `Location` and `ETag`.
    With an `Idempotency-Key`, a repeat of the same request gets this same answer back and creates nothing."""
    params = {"owner": owner, **body.model_dump()}
    if keyed is not None:
        rows = await keyed.run_once(db, queries.CREATE, params, response=response, status=201)
    else:  # not repeated on a dropped connection: the first attempt may have inserted the row
        rows = await db.run(queries.CREATE, params, as_user=owner, idempotent=False)
    task = TaskRead.from_row(rows[0])
    response.headers["Location"] = f"{request.url.path}/{task.id}"  # this collection's path plus the id
    response.headers["ETag"] = task.etag
    return task


@router.get(
    "/{id}",
    operation_id="getTask",
    summary="Get one task",
    response_model=TaskRead,
    responses=conditional_responses(304),
    openapi_extra=documents_header(IF_NONE_MATCH),
)
async def get_task(task: OwnTaskDep, db: DatabaseDep, if_none_match: IfNoneMatchDep) -> Response:
    """The task with its `ETag`; 304 with no body when `If-None-Match` names its current version. Another
    user's task is a 404, exactly like a missing one."""
    rows = await db.run(queries.GET, task._asdict(), as_user=task.owner, idempotent=True)
    if not rows:
        raise _not_found(task.id)
    found = TaskRead.from_row(rows[0])
    if if_none_match is not None and if_none_match.matches_weakly(found.etag):
        return _not_modified(found.etag)
    return Response(found.model_dump_json(), media_type="application/json", headers={"ETag": found.etag})


@router.put(
    "/{id}",
    operation_id="updateTask",
    summary="Update some fields of a task",
    response_model=TaskRead,
    responses=conditional_responses(412),
    openapi_extra=documents_header(IF_MATCH),
)
async def update_task(
    task: OwnTaskDep, body: TaskUpdate, db: DatabaseDep, if_match: IfMatchDep, response: Response
) -> TaskRead:
    """Changes the fields sent (at least one; see the body's schema) and keeps the others; a nullable field sent as
    `null` is cleared. Setting the values a task already has changes nothing (same ETag). With `If-Match`, only if
    the task is still at that version (else 412)."""
    changes = body.changes()
    statement = queries.update_fields(frozenset(changes))
    params = task._asdict() | changes
    return await _change(db, statement, params, response, condition=if_match, idempotent=True)


@router.delete(
    "/{id}",
    operation_id="deleteTask",
    summary="Delete a task (returns it)",
    response_model=TaskRead,
    responses=conditional_responses(412),
    openapi_extra=documents_header(IF_MATCH),
)
async def delete_task(task: OwnTaskDep, db: DatabaseDep, if_match: IfMatchDep, response: Response) -> TaskRead:
    """Deletes the task and answers with it as it was. With `If-Match`, only if nobody changed it since (else 412).
    A second delete is a 404."""
    # Not repeated: if the first attempt deleted the row, a repeat would wrongly answer 404.
    return await _change(db, queries.DELETE, task._asdict(), response, condition=if_match, idempotent=False)


@router.patch(
    "/{id}/complete",
    operation_id="completeTask",
    summary="Toggle completion, or set it with a body",
    response_model=TaskRead,
    responses=conditional_responses(409, 412, 422),
    openapi_extra=documents_header(IF_MATCH),
)
async def complete_task(
    task: OwnTaskDep,
    db: DatabaseDep,
    keyed: IdempotencyKeyDep,
    if_match: IfMatchDep,
    request: Request,
    response: Response,
    body: Annotated[CompletionUpdate | None, Body()] = None,
) -> TaskRead:
    """No body (or `{}`) toggles `completed` atomically: two concurrent toggles give back the original value.
    `{"completed": true|false}` sets it (safe to repeat). A toggle is made safe to repeat by an `Idempotency-Key`;
    `If-Match` makes either conditional (else 412)."""
    if body is None and await request.body():  # JSON `null`: FastAPI reads it as no body; it is not an object
        raise RequestValidationError([{"type": "model_type", "loc": ("body",), "msg": "not an object", "input": None}])
    statement: ClauseElement = queries.TOGGLE
    params, idempotent = task._asdict(), False  # a toggle is not safe to repeat: only with a key (a replay)
    if body is not None and body.completed is not None:
        statement, params, idempotent = queries.SET_COMPLETED, params | {"completed": body.completed}, True
    return await _change(db, statement, params, response, condition=if_match, idempotent=idempotent, keyed=keyed)
