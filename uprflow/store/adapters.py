"""The store's implementations of the activities' ports (:mod:`uprflow.activities.ports`).

The :class:`~uprflow.store.ledger.Ledger` is itself the ``EventLog``; these bind the other
ports to one database engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import Engine

from uprflow.domain.envelope import EventEnvelope
from uprflow.domain.notices import Channel, Notice
from uprflow.store import outbox
from uprflow.store.checkpoints import Checkpoint, record_checkpoint
from uprflow.store.reading import read_cycle
from uprflow.store.schema import events


class SqlCheckpoints:
    """Checkpoints recorded in the ledger database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record_checkpoint(self) -> Checkpoint:
        """Record the current head (see :func:`uprflow.store.checkpoints.record_checkpoint`)."""
        return record_checkpoint(self._engine)


class SqlCycleEvents:
    """A cycle's events read from the ledger database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def read_cycle(self, cycle_id: str) -> list[EventEnvelope]:
        """Every event of the cycle, in global position order."""
        with self._engine.connect() as conn:
            return read_cycle(conn, cycle_id)


class SqlNoticeStore:
    """The notifier's outbox rows and event positions in the ledger database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def enqueue(self, notice: Notice) -> Sequence[outbox.OutboxRow]:
        """The notice's outbox rows, written once (see :func:`uprflow.store.outbox.enqueue`)."""
        return outbox.enqueue(self._engine, notice)

    def mark_attempt(self, notification_id: str, channel: Channel, error: str) -> None:
        """Record a failed try of one channel."""
        outbox.mark_attempt(self._engine, notification_id, channel, error)

    def mark_delivered(self, notification_id: str, channel: Channel) -> datetime:
        """Record a delivery; the first delivery time on a repeat."""
        return outbox.mark_delivered(self._engine, notification_id, channel)

    def position_of(self, event_id: UUID) -> int:
        """The global position of a recorded event."""
        with self._engine.connect() as conn:
            position = conn.execute(
                sa.select(events.c.position).where(events.c.event_id == str(event_id))
            ).scalar_one()
        return int(position)
