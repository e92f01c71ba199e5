"""Create the tasks table.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        # ALWAYS: the database alone assigns ids; an INSERT that names one fails.
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("completed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        # The same limits as the API's, so no other writer can store what the API would refuse.
        sa.CheckConstraint("char_length(user_id) BETWEEN 1 AND 255", name="tasks_user_id_length"),
        sa.CheckConstraint("char_length(title) BETWEEN 1 AND 200", name="tasks_title_length"),
        sa.CheckConstraint("char_length(description) <= 1000", name="tasks_description_length"),
    )
    # "This user's tasks, newest first" is an index range scan in the order the API returns.
    op.create_index(
        "ix_tasks_user_id_created_at_id",
        "tasks",
        ["user_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_user_id_created_at_id", table_name="tasks")
    op.drop_table("tasks")
