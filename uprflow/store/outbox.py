"""The notification outbox: what must be sent, on which channel, and whether it was.

One row per (notification_id, channel). The row is the delivery's memory: the
``deliver_notice`` activity sends a channel only while its row is not ``delivered``, so a
retried activity never sends a channel twice once its success was recorded here.

Status: ``pending`` (not tried yet), ``failed`` (the last try failed; Temporal retries the
activity), ``delivered`` (done; ``delivered_at`` set). ``attempts`` counts every try,
successful or not; ``last_error`` keeps the last failure (also after a later success).

The table is created by migration ``0002_outbox`` and mirrored here as a Core table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from uprflow.domain.notices import Channel, Notice
from uprflow.store.timefmt import format_ts, parse_ts, utc_now

Status = Literal["pending", "delivered", "failed"]

metadata = sa.MetaData()

#: Mirror of the table created by migration 0002 (store/migrations/versions/0002_outbox.py).
outbox = sa.Table(
    "outbox",
    metadata,
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
    sa.UniqueConstraint("notification_id", "channel", name="uq_outbox_notification_channel"),
)

_C = outbox.c
#: Longest error text kept in ``last_error``.
MAX_ERROR = 2000


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One channel of one notification, as stored."""

    notification_id: str
    channel: Channel
    recipient: str
    cycle_id: str
    task_id: str | None
    template: str
    subject: str
    body: str
    data: dict[str, str]
    status: Status
    attempts: int
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None

    @property
    def delivered(self) -> bool:
        """True once the channel's delivery was recorded."""
        return self.status == "delivered"


def _row(m: Any) -> OutboxRow:
    return OutboxRow(
        notification_id=m.notification_id,
        channel=m.channel,
        recipient=m.recipient,
        cycle_id=m.cycle_id,
        task_id=m.task_id,
        template=m.template,
        subject=m.subject,
        body=m.body,
        data=json.loads(m.data),
        status=m.status,
        attempts=m.attempts,
        last_error=m.last_error,
        created_at=parse_ts(m.created_at),
        delivered_at=parse_ts(m.delivered_at) if m.delivered_at else None,
    )


def recipient_of(notice: Notice, channel: Channel) -> str:
    """The address a channel delivers to: e-mail address, webhook URL or organisation."""
    if channel == "email" and notice.email:
        return notice.email
    if channel == "webhook" and notice.webhook_url:
        return notice.webhook_url
    return notice.recipient_org


def _insert(engine: Engine) -> Any:
    # ON CONFLICT DO NOTHING makes concurrent enqueues of the same notice safe on both backends.
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(outbox).on_conflict_do_nothing(
        index_elements=["notification_id", "channel"]
    )


def enqueue(engine: Engine, notice: Notice, *, now: datetime | None = None) -> list[OutboxRow]:
    """Write one ``pending`` row per channel of ``notice``; return all its rows.

    Idempotent: rows that exist already are kept as they are (status, attempts, content), so
    a second enqueue of the same notification returns the existing rows and resets nothing.
    """
    created = format_ts(now or utc_now())
    data = json.dumps(notice.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    values = [
        {
            "notification_id": notice.notification_id,
            "channel": channel,
            "recipient": recipient_of(notice, channel),
            "cycle_id": notice.cycle_id,
            "task_id": notice.task_id,
            "template": notice.template,
            "subject": notice.subject,
            "body": notice.body,
            "data": data,
            "status": "pending",
            "attempts": 0,
            "last_error": None,
            "created_at": created,
            "delivered_at": None,
        }
        for channel in notice.channels
    ]
    with engine.begin() as conn:
        conn.execute(_insert(engine), values)
    return rows(engine, notice.notification_id)


def rows(engine: Engine, notification_id: str) -> list[OutboxRow]:
    """Every row of one notification (channels in id order, i.e. enqueue order)."""
    with engine.connect() as conn:
        result = conn.execute(
            sa.select(outbox).where(_C.notification_id == notification_id).order_by(_C.id)
        )
        return [_row(m) for m in result]


def mark_attempt(
    engine: Engine,
    notification_id: str,
    channel: Channel,
    error: str,
) -> None:
    """Record a failed try of one channel: ``attempts + 1``, status ``failed``, the error.

    A row already ``delivered`` is left alone (a late failure report cannot undo a delivery).
    """
    with engine.begin() as conn:
        conn.execute(
            outbox.update()
            .where(
                _C.notification_id == notification_id,
                _C.channel == channel,
                _C.status != "delivered",
            )
            .values(attempts=_C.attempts + 1, status="failed", last_error=error[:MAX_ERROR])
        )


def mark_delivered(
    engine: Engine, notification_id: str, channel: Channel, *, at: datetime | None = None
) -> datetime:
    """Record a successful try of one channel (``attempts + 1``); return its delivery time.

    Idempotent: for a row already delivered nothing changes and the first delivery time is
    returned, so the ``NotificationDelivered`` event built from it is the same on a retry.
    """
    stamp = format_ts(at or utc_now())
    with engine.begin() as conn:
        conn.execute(
            outbox.update()
            .where(
                _C.notification_id == notification_id,
                _C.channel == channel,
                _C.status != "delivered",
            )
            .values(attempts=_C.attempts + 1, status="delivered", delivered_at=stamp)
        )
        stored = conn.execute(
            sa.select(_C.delivered_at).where(
                _C.notification_id == notification_id, _C.channel == channel
            )
        ).scalar_one_or_none()
    if stored is None:
        raise LookupError(f"notification_id: no outbox row for {notification_id!r}/{channel}")
    return parse_ts(stored)


def pending(engine: Engine, *, limit: int = 100) -> list[OutboxRow]:
    """Rows not delivered yet (``pending`` or ``failed``), oldest first."""
    with engine.connect() as conn:
        result = conn.execute(
            sa.select(outbox)
            .where(_C.status != "delivered")
            .order_by(_C.created_at, _C.id)
            .limit(limit)
        )
        return [_row(m) for m in result]
