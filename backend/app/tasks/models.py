"""The task: its table, and the separate input/output schemas that keep clients from writing what they must not."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    RootModel,
    StrictBool,
    StringConstraints,
    field_serializer,
    field_validator,
    model_validator,
)
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    SmallInteger,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import ColumnElement
from sqlmodel import Field, SQLModel

TITLE_MAX = 200
DESCRIPTION_MAX = 1000
USER_ID_MAX = 255


def _storable(value: str) -> str:
    # PostgreSQL text cannot hold U+0000: refusing it here turns a would-be database error (500) into a clear 400.
    # (Lone surrogates never get this far: pydantic's JSON parser refuses them as invalid Unicode.)
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX), AfterValidator(_storable)
]
Description = Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX), AfterValidator(_storable)]
# The OpenAPI document states these rules exactly (trim-then-length as a pattern, no NUL): app/docs/openapi.py.


class Task(SQLModel, table=True):
    """The `tasks` table. Alembic migrations create it; this mirrors them for queries (a test checks they agree)."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(f"char_length(user_id) BETWEEN 1 AND {USER_ID_MAX}", name="tasks_user_id_length"),
        CheckConstraint(f"char_length(title) BETWEEN 1 AND {TITLE_MAX}", name="tasks_title_length"),
        CheckConstraint(f"char_length(description) <= {DESCRIPTION_MAX}", name="tasks_description_length"),
        # Serves "this user's tasks, newest first" with an index scan and no sort.
        Index("ix_tasks_user_id_created_at_id", "user_id", text("created_at DESC"), text("id DESC")),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True))
    user_id: str = Field(sa_column=Column(Text, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    completed: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=text("false")))
    created_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=text("now()"))
    )
    updated_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=text("now()"))
    )
    # Raised by every change (migration 0004): the task's ETag is built from (id, version). Never in a response body.
    version: int = Field(default=1, sa_column=Column(BigInteger, nullable=False, server_default=text("1")))


class IdempotencyKey(SQLModel, table=True):
    """The first outcome of a request sent with `Idempotency-Key` (migration 0004), replayed to its repeats."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        CheckConstraint("char_length(key) BETWEEN 1 AND 255", name="idempotency_keys_key_length"),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    user_id: str = Field(sa_column=Column(Text, primary_key=True))
    key: str = Field(sa_column=Column(Text, primary_key=True))
    fingerprint: str = Field(sa_column=Column(Text, nullable=False))  # method, path and body of the first request
    status: int = Field(sa_column=Column(SmallInteger, nullable=False))
    response: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))  # the task row it answered with
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class RateLimit(SQLModel, table=True):
    """Requests per user per one-minute window (migration 0003; written only by take_request_slot())."""

    __tablename__ = "rate_limits"

    user_id: str = Field(sa_column=Column(Text, primary_key=True))
    window_start: datetime = Field(sa_column=Column(DateTime(timezone=True), primary_key=True))
    requests: int = Field(sa_column=Column(Integer, nullable=False))


class TaskCreate(SQLModel):
    """POST body. Unknown and read-only fields (id, user_id, timestamps) are ignored, never applied."""

    title: Title
    description: Description | None = None
    completed: StrictBool = False


class TaskUpdate(SQLModel):
    """PUT body: any non-empty subset of the editable fields; fields not sent stay as they are."""

    title: Title | None = None
    description: Description | None = None
    completed: StrictBool | None = None

    @field_validator("title", "completed", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Only description may be cleared with null; a null title or completed is a client bug.
        if value is None:
            raise ValueError("must not be null")
        return value

    @model_validator(mode="after")
    def _at_least_one_field(self) -> "TaskUpdate":
        if not self.model_fields_set & {"title", "description", "completed"}:
            raise ValueError("must set at least one of title, description, completed")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(include=self.model_fields_set & {"title", "description", "completed"})


class CompletionUpdate(SQLModel):
    """Optional PATCH /complete body: {"completed": bool} sets; no body or {} toggles."""

    completed: StrictBool | None = None

    @field_validator("completed", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("must be true or false")
        return value


# A plain pydantic model, not SQLModel: one is built from every row of every response, and SQLModel's own
# __init__ doubles that cost (measured: 99 vs 49 µs to validate and serialise a 20-task list).
class TaskRead(BaseModel):
    id: int
    user_id: str
    title: str
    description: str | None
    completed: bool
    created_at: datetime
    updated_at: datetime

    @field_serializer("created_at", "updated_at")
    def _as_utc(self, value: datetime) -> datetime:
        # The connection's time zone is the server's choice; the contract promises UTC ("...Z").
        return value.astimezone(UTC)


# A named schema for the list response, so that generated clients name its type (not "Response List Tasks ...").
class TaskList(RootModel[list[TaskRead]]):
    """The user's tasks, newest first."""


def task_read_columns() -> list[ColumnElement[Any]]:
    """TaskRead's fields as SQL, in its order (derived from it: a field added there comes along), timestamps as the
    text pydantic writes: `row_to_json` of a row of these is byte for byte `TaskRead.model_dump_json()`
    (tests/test_tasks.py compares them), so PostgreSQL can render a list's JSON by itself."""
    table = Task.__table__.c  # type: ignore[attr-defined]  # SQLModel does not type its table
    return [
        _as_pydantic_writes_it(table[name]).label(name) if field.annotation is datetime else table[name]
        for name, field in TaskRead.model_fields.items()
    ]


def _as_pydantic_writes_it(column: ColumnElement[datetime]) -> ColumnElement[str]:
    """ISO 8601 in UTC with `Z`; the microseconds only when there are any (`...T19:30:00Z`, `...T19:30:00.120000Z`).
    One to_char() and a replace: to_char is most of what rendering a list costs PostgreSQL (measured with pgbench)."""
    utc = func.timezone(literal_column("'UTC'"), column)  # literal_column: app.core.db binds request parameters only
    written = func.to_char(utc, literal_column('\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\''))
    return func.replace(written, literal_column("'.000000Z'"), literal_column("'Z'"))
