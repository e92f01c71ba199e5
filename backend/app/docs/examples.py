"""Examples for the OpenAPI document: one request and one answer per operation, and a problem per error status.

Data only (app/docs/clients.py puts them in place). They sit on the media types and parameters, so examples that
models declare on their own schemas stay as they are. Redocly's lint (scripts/clients) validates every one
against its schema.
"""

from typing import Any

from app.core.errors import problem_body

USER = "alice"
TASK = {
    "id": 17,
    "user_id": USER,
    "title": "Buy milk",
    "description": "2 litres",
    "completed": False,
    "created_at": "2026-11-24T19:30:00.123456Z",
    "updated_at": "2026-11-24T19:30:00.123456Z",
    "etag": '"17.1"',
}
ETAG = '"17.1"'
IDEMPOTENCY_KEY = "6f1c2a0e-3b7d-4c4e-9a51-0d2f8e7b9c13"

PARAMETERS: dict[str, Any] = {
    "user_id": USER,
    "id": 17,
    "If-Match": ETAG,
    "If-None-Match": ETAG,
    "Idempotency-Key": IDEMPOTENCY_KEY,
}


def _example(summary: str, value: Any) -> dict[str, Any]:
    return {"summary": summary, "value": value}


# operationId -> named request body examples
REQUESTS: dict[str, dict[str, Any]] = {
    "createTask": {
        "minimal": _example("Only a title", {"title": "Buy milk"}),
        "full": _example("Every field", {"title": "Buy milk", "description": "2 litres", "completed": False}),
    },
    "updateTask": {
        "rename": _example("Change the title only", {"title": "Buy oat milk"}),
        "clear": _example("Clear the description", {"description": None}),
        "several": _example("Several fields at once", {"title": "Buy milk", "completed": True}),
    },
    "completeTask": {
        "set": _example("Set completed (safe to repeat)", {"completed": True}),
        "toggle": _example("Toggle (as no body at all)", {}),
    },
}

_DONE = TASK | {"completed": True, "updated_at": "2026-11-24T19:42:07.654321Z", "etag": '"17.2"'}
_NEWER = TASK | {
    "id": 18,
    "title": "Call Bob",
    "description": None,
    "created_at": "2026-11-24T19:41:30.000001Z",
    "etag": '"18.1"',
}
_NEWER |= {"updated_at": _NEWER["created_at"]}
# operationId -> (the success response's description, its named examples)
RESPONSES: dict[str, tuple[str, dict[str, Any]]] = {
    "listTasks": (
        "The user's tasks, newest first (an empty list when there are none)",
        {"tasks": _example("Two tasks", [_NEWER, TASK])},
    ),
    "createTask": ("The created task", {"created": _example("The new task", TASK)}),
    "getTask": ("The task", {"task": _example("A task", TASK)}),
    "updateTask": (
        "The task after the change",
        {"updated": _example("Renamed", TASK | {"title": "Buy oat milk", "etag": '"17.2"'})},
    ),
    "deleteTask": ("The task as it was, now deleted", {"deleted": _example("The deleted task", TASK)}),
    "completeTask": ("The task after the change", {"completed": _example("Now completed", _DONE)}),
    "health": ("The process answers", {"ok": _example("Alive", {"status": "ok"})}),
    "ready": ("The database answers", {"ready": _example("Ready", {"status": "ready"})}),
}


def _problem(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    # Built by the service's own builder: the examples cannot drift from what it answers.
    body = problem_body(status, code, detail, "/api/alice/tasks/17", **extra)  # the instance is set per operation
    return _example(body["title"], body)


PROBLEMS: dict[str, dict[str, Any]] = {
    "400": _problem(
        400,
        "title_empty",
        "The request is invalid: title must not be empty.",
        errors=[{"field": "title", "code": "empty", "message": "must not be empty"}],
    ),
    "401": _problem(401, "token_missing", "An Authorization: Bearer <token> header is required."),
    "403": _problem(403, "wrong_user", "The token does not grant access to this user's tasks."),
    "404": _problem(404, "task_not_found", "Task 17 was not found."),
    "409": _problem(
        409,
        "request_in_progress",
        "A request with this Idempotency-Key is still being processed. Retry shortly for its result.",
    ),
    "412": _problem(
        412,
        "stale_version",
        "Task 17 has changed since you read it: its ETag is no longer one in If-Match. "
        "Fetch it again and decide whether to repeat your change.",
    ),
    "413": _problem(413, "body_too_large", "The request body must be at most 65536 bytes."),
    "431": _problem(431, "headers_too_large", "The request line and headers must be at most 32768 bytes in all."),
    "415": _problem(
        415,
        "unsupported_media_type",
        "Send the body as JSON, with the header Content-Type: application/json (this request has no Content-Type).",
    ),
    "422": _problem(
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request (method, path or body). "
        "Use a new key for a new request.",
    ),
    "429": _problem(429, "rate_limited", "Too many requests: at most 120 a minute. Retry in 12 s."),
    "500": _problem(
        500,
        "internal_error",
        "An unexpected error occurred. Quote request id 3f2b7c9e8a1d4f60 when reporting it.",
        request_id="3f2b7c9e8a1d4f60",
    ),
    "503": _problem(503, "database_unavailable", "The database is unavailable right now. Please retry shortly."),
}


def problem(status: str, path: str) -> dict[str, Any]:
    """The example problem for `status`, as an answer to the operation at `path` (with the example parameters)."""
    example = PROBLEMS[status]
    instance = path.format(user_id=PARAMETERS["user_id"], id=PARAMETERS["id"])
    return example | {"value": example["value"] | {"instance": instance}}
