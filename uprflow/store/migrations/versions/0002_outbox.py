"""The notification outbox: one row per (notification, channel).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Mirrored by ``store.outbox.outbox`` (keep the two in step). Timestamps are fixed-width
    # UTC text like the ledger's (store/timefmt.py), so they compare the same on both backends.
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("notification_id", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(500), nullable=False),
        sa.Column("cycle_id", sa.String(200), nullable=False),
        sa.Column("task_id", sa.String(200)),
        sa.Column("template", sa.String(50), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("delivered_at", sa.String(32)),
        # Why unique: the row is the "already sent?" memory of delivery; one per channel.
        sa.UniqueConstraint("notification_id", "channel", name="uq_outbox_notification_channel"),
        sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="ck_outbox_status"),
        sa.CheckConstraint("channel IN ('email', 'webhook', 'inbox')", name="ck_outbox_channel"),
    )
    op.create_index("ix_outbox_status_created", "outbox", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_created", table_name="outbox")
    op.drop_table("outbox")
