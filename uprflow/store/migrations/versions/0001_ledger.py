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

#: Index columns of ``events``, generated from the body: (name, SQL type).
GENERATED = (
    ("event_id", "VARCHAR(36)"),
    ("stream_id", "VARCHAR(200)"),
    ("stream_version", "INTEGER"),
    ("event_type", "VARCHAR(100)"),
    ("schema_version", "INTEGER"),
    ("cycle_id", "VARCHAR(200)"),
    ("occurred_at", "VARCHAR(32)"),
    ("recorded_at", "VARCHAR(32)"),
)


def upgrade() -> None:
    # Why generated columns: the index columns are computed BY THE DATABASE from the hashed
    # body, so they can never disagree with it; ``audit verify`` then only checks the chain
    # (and that these definitions are intact), which keeps a full verify close to a bare scan.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        position_type, blob = "INTEGER", "BLOB"

        def field(name: str, sql_type: str) -> str:
            return f"json_extract(CAST(body AS TEXT), '$.{name}')"

    else:
        position_type, blob = "BIGINT", "BYTEA"
        op.execute(
            "CREATE FUNCTION uprflow_body_json(bytea) RETURNS jsonb LANGUAGE sql IMMUTABLE "
            "STRICT PARALLEL SAFE AS $$ SELECT convert_from($1, 'UTF8')::jsonb $$"
        )

        def field(name: str, sql_type: str) -> str:
            text = f"(uprflow_body_json(body) ->> '{name}')"
            return f"{text}::{sql_type}" if sql_type == "INTEGER" else text

    generated = ",\n".join(
        f"  {name} {sql_type} GENERATED ALWAYS AS ({field(name, sql_type)}) STORED NOT NULL"
        for name, sql_type in GENERATED
    )
    op.execute(
        f"CREATE TABLE events (\n"
        f"  position {position_type} NOT NULL PRIMARY KEY,\n"
        f"  body {blob} NOT NULL,\n"
        f"  prev_hash {blob} NOT NULL,\n"
        f"  hash {blob} NOT NULL,\n"
        f"{generated},\n"
        f"  CONSTRAINT uq_events_event_id UNIQUE (event_id),\n"
        f"  CONSTRAINT uq_events_stream_version UNIQUE (stream_id, stream_version)\n"
        f")"
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
