"""What client generators (and the people reading the docs) need from the document beyond what FastAPI writes:
`info`, `servers`, described tags, security declared at the root, every response header, and examples.

Generators only know what the document says: a header left out is a header a typed client cannot read, and a
response without a schema is `Any`. scripts/clients lints the result with Redocly's recommended rules and proves
it with two generated clients against the live API.
"""

from typing import Any

from app.core.settings import Settings
from app.docs.examples import PARAMETERS, PROBLEMS, REQUESTS, RESPONSES, problem
from app.tasks.responses import header

DESCRIPTION = """\
A todo list for many users, each of whom sees only their own tasks.

**Authentication.** Every `/api` route needs `Authorization: Bearer <JWT>`, a token from the Better Auth frontend
for the user named in the path: 401 without a valid token, 403 for another user's path. The health probes need none.

**Errors** are RFC 9457 `application/problem+json` bodies (`Problem`); invalid input is a 400 whose `errors` name
each invalid field. A task that is not the caller's is a 404, worded like a missing one.

**Safe retries.** Every answer carrying a task (and the list) has an `ETag`. Send it back as `If-None-Match` on a GET
(304 while nothing changed) or as `If-Match` on PUT, PATCH and DELETE (412 if someone changed the task since).
An `Idempotency-Key` on create and on PATCH `/complete` makes a repeat of the same request get the first answer back
(`Idempotent-Replayed: true`) instead of running twice.
"""

TAGS = [
    {"name": "tasks", "description": "The signed-in user's tasks: create, read, change, complete and delete."},
    {"name": "health", "description": "Probes for load balancers and orchestrators; no authentication."},
]

# Which headers every answer with this status carries, besides X-Request-ID (all of them do).
_HEADERS_BY_STATUS = {"401": ["WWW-Authenticate"], "429": ["Retry-After"], "503": ["Retry-After"]}


BEARER: list[dict[str, list[str]]] = [{"HTTPBearer": []}]
BEARER_SCHEME = {
    "type": "http",
    "description": "A JWT from the Better Auth frontend (or `todo-api token`).",
    "scheme": "bearer",
    "bearerFormat": "JWT",
}


def describe_for_clients(schema: dict[str, Any], settings: Settings) -> None:
    schema["info"] |= {
        "description": DESCRIPTION,
        "contact": {"name": "Todo API maintainers", "url": f"{settings.public_url}/docs"},
        "license": {"name": "MIT", "identifier": "MIT"},  # the repository's LICENSE (SPDX identifier)
    }
    schema["servers"] = [{"url": settings.public_url, "description": "This deployment (setting PUBLIC_URL)"}]
    schema["tags"] = TAGS
    # Declared once for the whole API (app.core.auth checks it; Swagger's "Authorize"); off for the health probes.
    schema["security"] = BEARER
    schema["components"]["securitySchemes"] = {"HTTPBearer": BEARER_SCHEME}
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            operation["security"] = BEARER if path.startswith("/api/") else []
            _examples(path, operation)
            for status, response in operation["responses"].items():
                # A new dict: FastAPI copies a declared response shallowly, so its headers may be shared.
                names = ["X-Request-ID", *_HEADERS_BY_STATUS.get(status, [])]
                response["headers"] = {name: header(name) for name in names} | response.get("headers", {})


def _examples(path: str, operation: dict[str, Any]) -> None:
    name = operation["operationId"]
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and not parameter.get("required"):
            # Swagger UI's "Try it out" sends a parameter's `example` as its value, and these headers change what a
            # request does (a sample If-Match is a 412, a shared Idempotency-Key a 422): on the schema it is shown
            # but not sent.
            parameter["schema"]["examples"] = [PARAMETERS[parameter["name"]]]
        else:
            parameter["example"] = PARAMETERS[parameter["name"]]
    if name in REQUESTS:
        operation["requestBody"]["content"]["application/json"]["examples"] = REQUESTS[name]
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            response["description"], examples = RESPONSES[name]
            response["content"]["application/json"]["examples"] = examples
        elif status in PROBLEMS:
            response["content"]["application/problem+json"]["examples"] = {status: problem(status, path)}
