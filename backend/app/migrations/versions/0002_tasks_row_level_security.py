"""Row-level security on tasks: defence in depth behind the WHERE user_id = ... of every query.

The service sets `app.user_id` with set_config(..., true) in the same transaction as each statement
(app/core/db.py), so it is safe under PgBouncer's transaction pooling. FORCE binds the table's owner too.
Superusers and roles with BYPASSRLS are not bound: the service should connect as an ordinary role.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# current_setting(..., true) is NULL when unset: then no row matches, and nothing can be written.
_OWNER = "user_id = current_setting('app.user_id', true)"


def upgrade() -> None:
    op.execute("ALTER TABLE tasks ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE tasks FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY tasks_owner ON tasks USING ({_OWNER}) WITH CHECK ({_OWNER})")


def downgrade() -> None:
    op.execute("DROP POLICY tasks_owner ON tasks")
    op.execute("ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE tasks DISABLE ROW LEVEL SECURITY")
