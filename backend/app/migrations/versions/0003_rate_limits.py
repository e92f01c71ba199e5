"""Per-user rate limiting shared by every API process (RATE_LIMIT_PER_MINUTE; off when 0).

A fixed one-minute window per user, counted by an atomic upsert. The service calls take_request_slot() in the
same pipeline (one round trip, one transaction) as the request's statement: over the limit, it raises SQLSTATE
RL429, the transaction rolls back (the statement never runs, and the refused request is not counted), and the
API answers 429 with Retry-After. SECURITY DEFINER: the service role needs no privilege on the table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE rate_limits (
            user_id text NOT NULL,
            window_start timestamptz NOT NULL,
            requests integer NOT NULL,
            PRIMARY KEY (user_id, window_start)
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION take_request_slot(p_user text, p_limit integer) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE
            v_window timestamptz := date_trunc('minute', clock_timestamp());
            v_count integer;
        BEGIN
            INSERT INTO rate_limits AS r (user_id, window_start, requests) VALUES (p_user, v_window, 1)
            ON CONFLICT (user_id, window_start) DO UPDATE SET requests = r.requests + 1
            RETURNING requests INTO v_count;
            IF v_count = 1 THEN  -- first request of a new window: forget the user's old ones
                DELETE FROM rate_limits WHERE user_id = p_user AND window_start < v_window;
            END IF;
            IF v_count > p_limit THEN
                RAISE EXCEPTION 'rate limit exceeded' USING ERRCODE = 'RL429',
                    DETAIL = ceil(extract(epoch FROM v_window + interval '1 minute' - clock_timestamp()))::text;
            END IF;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION take_request_slot(text, integer)")
    op.execute("DROP TABLE rate_limits")
