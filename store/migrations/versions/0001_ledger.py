"""The ledger: events, checkpoints, projection tables, append-only triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("events", "checkpoints")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("position", Position, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("cycle_id", sa.String(200), nullable=False),
        sa.Column("occurred_at", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("prev_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        sa.UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
    )
    op.create_index("ix_events_cycle_position", "events", ["cycle_id", "position"])
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("position", Position, nullable=False),
        sa.Column("head_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "proj_cycles",
        sa.Column("cycle_id", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("country", sa.String(3)),
        sa.Column("cycle_number", sa.Integer),
        sa.Column("last_position", Position, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "proj_stages",
        sa.Column("cycle_id", sa.String(200), primary_key=True),
        sa.Column("stage", sa.String(50), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("deadline", sa.String(32)),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "proj_recommendations",
        sa.Column("cycle_id", sa.String(200), primary_key=True),
        sa.Column("recommendation_id", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("position", sa.String(30)),
        sa.Column("lead_ministry", sa.String(200)),
        sa.Column("implementation_status", sa.String(30)),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "proj_tasks",
        sa.Column("cycle_id", sa.String(200), primary_key=True),
        sa.Column("task_id", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("assignee_org", sa.String(200), nullable=False),
        sa.Column("due_at", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_proj_tasks_assignee", "proj_tasks", ["assignee_org", "status"])

    # Why: the ledger is append-only; refusing UPDATE/DELETE in the database itself means
    # tampering needs deliberate privilege (dropping the triggers), which verify then detects.
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
                )
    else:
        op.execute(
            """
            CREATE FUNCTION uprflow_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
            END $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION uprflow_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION uprflow_refuse_change()"
            )


def downgrade() -> None:
    for name in ("proj_tasks", "proj_recommendations", "proj_stages", "proj_cycles"):
        op.drop_table(name)
    # Why: dropping the ledger itself is refused on purpose; drop the database instead.
    raise RuntimeError("downgrade below 0001 would destroy the ledger; refused")
