"""Every statement the task routes run, written with SQLModel against the model.

Each is built once, here, with named parameters for what a request supplies (`bindparam("owner")`), and run by
app.core.db as the caller (`db.run(LIST, {"owner": owner}, as_user=owner)`). `owner` is always the caller's
verified user id: every statement is scoped by it, and row-level security checks it again. The changes return
whole rows (`RETURNING`), so a route never reads a task back: one statement, one round trip.
"""

from functools import cache

from sqlalchemy import any_, case, not_, or_
from sqlalchemy.sql import ClauseElement
from sqlmodel import bindparam, col, delete, func, insert, select, update

from app.tasks.models import EDITABLE
from app.tasks.tables import Task

_MINE = (col(Task.id) == bindparam("id")) & (col(Task.user_id) == bindparam("owner"))

# The list is newest first (the index ix_tasks_user_id_created_at_id serves exactly this order).
LIST = (
    select(Task)
    .where(col(Task.user_id) == bindparam("owner"))
    .order_by(col(Task.created_at).desc(), col(Task.id).desc())
)
GET = select(Task).where(_MINE)
CREATE = insert(Task).values(user_id=bindparam("owner"), **{name: bindparam(name) for name in EDITABLE}).returning(Task)
DELETE = delete(Task).where(_MINE).returning(Task)
# NOT completed is evaluated by the database under the row lock: concurrent toggles never lose one.
TOGGLE = (
    update(Task)
    .where(_MINE)
    .values(completed=not_(col(Task.completed)), updated_at=func.now(), version=col(Task.version) + 1)
    .returning(Task)
)


@cache  # one statement per set of fields sent: at most 2^len(EDITABLE) - 1, each built once
def update_fields(fields: frozenset[str]) -> ClauseElement:
    """PUT (and PATCH with a body): set the fields sent, keep the others. Setting the values a task already has is
    not a change: its version and updated_at stay (so a repeat changes nothing)."""
    changed = or_(*(getattr(Task, name).is_distinct_from(bindparam(name)) for name in sorted(fields)))
    return (
        update(Task)
        .where(_MINE)
        .values(
            **{name: bindparam(name) for name in sorted(fields)},
            updated_at=case((changed, func.now()), else_=col(Task.updated_at)),
            version=case((changed, col(Task.version) + 1), else_=col(Task.version)),
        )
        .returning(Task)
    )


@cache  # one per statement above
def guarded(statement: ClauseElement) -> ClauseElement:
    """The same change, only if the task is still at one of the versions If-Match named: check and change are one
    atomic step (a concurrent change makes PostgreSQL re-check the WHERE on the new row, and it fails)."""
    guarded_statement: ClauseElement = statement.where(col(Task.version) == any_(bindparam("versions")))  # type: ignore[attr-defined]
    return guarded_statement


SET_COMPLETED = update_fields(frozenset({"completed"}))
