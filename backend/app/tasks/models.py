"""The task as the API reads and writes it: separate input/output schemas that keep clients from writing what they
must not (the table is app.tasks.tables).

They are plain pydantic models (SQLModel's own __init__ doubles the cost of building one), and they
say in the OpenAPI document exactly what they accept: the JSON schema comes from the same annotations that
validate (`WithJsonSchema` where pydantic's own rendering would be wrong), so nothing is patched afterwards.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
    field_serializer,
    field_validator,
    model_validator,
)

from app.core.field_errors import InvalidFieldError

TITLE_MAX = 200
DESCRIPTION_MAX = 1000

# What pydantic-core strips from a title (Rust's `str::trim`: the Unicode White_Space set). Python's `str.isspace`
# would also include U+001C..U+001F, which the service keeps.
_WS = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# 1-200 characters once surrounding whitespace is trimmed, and no NUL anywhere: what the validators below enforce,
# as one pattern (raw minLength/maxLength would refuse " a" padded past 200 characters and allow "   ").
TITLE_PATTERN = rf"^[{_WS}]*[^{_WS}\x00](?:[^\x00]{{0,{TITLE_MAX - 2}}}[^{_WS}\x00])?[{_WS}]*$"
NO_NUL_PATTERN = r"^[^\x00]*$"


def _storable(value: str) -> str:
    # PostgreSQL text cannot hold U+0000: refusing it here turns a would-be database error (500) into a clear 400.
    # (Lone surrogates never get this far: pydantic's JSON parser refuses them as invalid Unicode.)
    if "\x00" in value:
        raise InvalidFieldError("invalid_characters", "must not contain NUL characters")
    return value


def _server_default(schema: dict[str, Any]) -> None:
    # A default is the server's business, said in words: in a request schema, openapi-typescript would make the
    # field required, and a null default would make generators type an optional field as nullable.
    schema.pop("default", None)


def _optional_never_null(schema: dict[str, Any]) -> None:
    # `X | None = None` only to tell "not sent" apart: a null is refused (below), so the document shows X alone.
    _server_default(schema)
    (sent,) = [branch for branch in schema.pop("anyOf") if branch.get("type") != "null"]
    schema.update(sent | schema)  # the field's own title and description win


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX),
    AfterValidator(_storable),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": TITLE_PATTERN,
            "description": f"1-{TITLE_MAX} characters once surrounding whitespace is trimmed (stored trimmed); no NUL.",
        }
    ),
]
Description = Annotated[
    str,
    StringConstraints(max_length=DESCRIPTION_MAX),
    AfterValidator(_storable),
    WithJsonSchema({"type": "string", "maxLength": DESCRIPTION_MAX, "pattern": NO_NUL_PATTERN}),
]


class TaskCreate(BaseModel):
    """POST body. Unknown and read-only fields (id, user_id, timestamps) are ignored, never applied."""

    title: Title
    description: Description | None = Field(
        default=None,
        description=f"Up to {DESCRIPTION_MAX} characters; null when not sent.",
        json_schema_extra=_server_default,
    )
    completed: StrictBool = Field(default=False, description="False when not sent.", json_schema_extra=_server_default)


# The fields a client may write, listed once: the PUT body, its statements and its documentation follow them.
EDITABLE: frozenset[str] = frozenset(TaskCreate.model_fields)


def _at_least_one_editable(schema: dict[str, Any]) -> None:
    # Said without a top-level `anyOf`, which generators cannot turn into a model: `minProperties: 1` for them and for
    # readers, and "not: none of them present" to make it exact for validators (`{"not": {}}` matches nothing).
    schema["description"] += " At least one of " + ", ".join(sorted(EDITABLE)) + " must be sent."
    schema["minProperties"] = 1
    schema["not"] = {"properties": {name: {"not": {}} for name in sorted(EDITABLE)}}


class TaskUpdate(BaseModel):
    """PUT body: any non-empty subset of the editable fields; fields not sent stay as they are."""

    model_config = ConfigDict(json_schema_extra=_at_least_one_editable)

    title: Title | None = Field(default=None, json_schema_extra=_optional_never_null)
    description: Description | None = Field(
        default=None,
        description=f"Up to {DESCRIPTION_MAX} characters; null clears it.",
        json_schema_extra=_server_default,
    )
    completed: StrictBool | None = Field(default=None, json_schema_extra=_optional_never_null)

    @field_validator("title", "completed", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Only description may be cleared with null; a null title or completed is a client bug.
        if value is None:
            raise InvalidFieldError("not_null", "must not be null")
        return value

    @model_validator(mode="after")
    def _at_least_one_field(self) -> "TaskUpdate":
        if not self.model_fields_set & EDITABLE:
            raise InvalidFieldError("no_fields", "must set at least one of " + ", ".join(sorted(EDITABLE)))
        return self

    def changes(self) -> dict[str, Any]:
        """The fields sent, with their values (unknown fields were ignored)."""
        return self.model_dump(include=self.model_fields_set & EDITABLE)


class CompletionUpdate(BaseModel):
    """Optional PATCH /complete body: {"completed": bool} sets; no body or {} toggles."""

    completed: StrictBool | None = Field(
        default=None, description="The value to set.", json_schema_extra=_optional_never_null
    )

    @field_validator("completed", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise InvalidFieldError("not_null", "must be true or false")
        return value


def etag_of(task_id: int, version: int) -> str:
    """A task's ETag (RFC 9110 §8.8.3): its id and `version`, which every change raises (migration 0004)."""
    return f'"{task_id}.{version}"'


class TaskRead(BaseModel):
    """A task as the API answers with it."""

    id: int
    user_id: str
    title: str
    description: str | None
    completed: bool
    created_at: datetime
    updated_at: datetime
    etag: str = Field(
        description="This version of the task, exactly the `ETag` header a GET of it gives: send it as `If-Match` "
        "to change the task only if it is still what you showed.",
        examples=['"17.1"'],
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "TaskRead":
        """A `tasks` row (as the statements return it, or a replay stored it) as the API shows it: its version,
        never shown itself, becomes the etag."""
        return cls.model_validate(shown(row))

    @field_serializer("created_at", "updated_at")
    def _as_utc(self, value: datetime) -> datetime:
        # The connection's time zone is the server's choice; the contract promises UTC ("...Z").
        return value.astimezone(UTC)


# A named schema for the list response, so that generated clients name its type (not "Response List Tasks ...").
class TaskList(RootModel[list[TaskRead]]):
    """The user's tasks, newest first."""


def shown(row: dict[str, Any]) -> dict[str, Any]:
    """A `tasks` row with its etag (a plain function rather than a model validator: a list calls it per row, and
    pydantic calls a Python validator far more slowly)."""
    row["etag"] = etag_of(row["id"], row["version"])
    return row


# Rows to the list's JSON in one step (validating and dumping a list at once, not one model at a time).
TASK_LIST = TypeAdapter(list[TaskRead])
