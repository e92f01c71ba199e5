"""Safe retries: a version per task (its ETag) and the remembered outcomes of requests sent with Idempotency-Key.

- `tasks.version` starts at 1 for every existing row and is raised by every statement that changes a task; the
  ETag is built from (id, version), and If-Match is checked in the UPDATE/DELETE's own WHERE, so the check and the
  change are one atomic step.
- `idempotency_keys` keeps, per user and key, the fingerprint of the first request (method, path, body) and the
  row it returned, written in the same statement as the change itself: both commit or neither does.
- Row-level security binds it as it binds `tasks` (FORCE). The one exception is the table's owner (this
  migration's role), which may see and delete *expired* keys: purge_expired_idempotency_keys() runs as that owner
  (SECURITY DEFINER) so the service can clear every user's expired keys without seeing anyone's live ones.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OWNER = "user_id = current_setting('app.user_id', true)"


def upgrade() -> None:
    op.add_column("tasks", sa.Column("version", sa.BigInteger(), server_default=sa.text("1"), nullable=False))
    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Text(), primary_key=True),
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("response", JSONB(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("char_length(key) BETWEEN 1 AND 255", name="idempotency_keys_key_length"),
    )
    # The purge deletes the oldest expired keys first, a batch at a time.
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])
    op.execute("ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY idempotency_keys_owner ON idempotency_keys USING ({_OWNER}) WITH CHECK ({_OWNER})")
    op.execute(
        "CREATE POLICY idempotency_keys_expired ON idempotency_keys FOR ALL TO CURRENT_USER USING (expires_at < now())"
    )
    op.execute(
        """
        CREATE FUNCTION purge_expired_idempotency_keys(p_limit integer) RETURNS integer
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            WITH gone AS (
                DELETE FROM idempotency_keys WHERE (user_id, key) IN (
                    SELECT user_id, key FROM idempotency_keys WHERE expires_at < now()
                    ORDER BY expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED
                ) RETURNING 1
            )
            SELECT count(*)::integer FROM gone
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION purge_expired_idempotency_keys(integer)")
    op.drop_table("idempotency_keys")  # its policies go with it
    op.drop_column("tasks", "version")
