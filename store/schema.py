"""Table definitions shared by the ledger, projections and the first migration."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# SQLite: INTEGER PRIMARY KEY is the rowid, the fastest ordered key.
Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: The ledger. ``body`` holds the exact hashed bytes (canonical JSON of the envelope); the other
#: columns are indexes derived from it, and ``audit verify`` checks that they agree.
events = sa.Table(
    "events",
    metadata,
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
    sa.Index("ix_events_cycle_position", "cycle_id", "position"),
)

#: Published checkpoints of the chain head (append-only as well).
checkpoints = sa.Table(
    "checkpoints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("position", Position, nullable=False),
    sa.Column("head_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
)

# ------------------------------------------------------------------ projections (read models)
# ``data`` is the JSON of the folded entity; the other columns are for filtering.

proj_cycles = sa.Table(
    "proj_cycles",
    metadata,
    sa.Column("cycle_id", sa.String(200), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("country", sa.String(3)),
    sa.Column("cycle_number", sa.Integer),
    sa.Column("last_position", Position, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)

proj_stages = sa.Table(
    "proj_stages",
    metadata,
    sa.Column("cycle_id", sa.String(200), primary_key=True),
    sa.Column("stage", sa.String(50), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("deadline", sa.String(32)),
    sa.Column("data", sa.Text, nullable=False),
)

proj_recommendations = sa.Table(
    "proj_recommendations",
    metadata,
    sa.Column("cycle_id", sa.String(200), primary_key=True),
    sa.Column("recommendation_id", sa.String(200), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("position", sa.String(30)),
    sa.Column("lead_ministry", sa.String(200)),
    sa.Column("implementation_status", sa.String(30)),
    sa.Column("data", sa.Text, nullable=False),
)

proj_tasks = sa.Table(
    "proj_tasks",
    metadata,
    sa.Column("cycle_id", sa.String(200), primary_key=True),
    sa.Column("task_id", sa.String(200), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("assignee_org", sa.String(200), nullable=False),
    sa.Column("due_at", sa.String(32), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Index("ix_proj_tasks_assignee", "assignee_org", "status"),
)

PROJECTION_TABLES = (proj_cycles, proj_stages, proj_recommendations, proj_tasks)
