"""The tables, as SQLModel classes for the queries. Alembic migrations create them (the only source of the schema);
these mirror them, and a test checks that they agree."""

from datetime import datetime
from typing import Any

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
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.auth import USER_ID_MAX
from app.tasks.models import DESCRIPTION_MAX, TITLE_MAX


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
    # Raised by every change (migration 0004): the task's ETag (and its `etag` field) is built from (id, version).
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
