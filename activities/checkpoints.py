"""Activity that records a ledger checkpoint (position, head hash, time)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from temporalio import activity

from uprflow.store.checkpoints import record_checkpoint


class CheckpointRecorded(BaseModel):
    """What :meth:`CheckpointActivities.record_checkpoint` returns."""

    position: int
    head_hash: str
    recorded_at: datetime


class CheckpointActivities:
    """Checkpoint activities bound to the ledger database."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    @activity.defn(name="record_checkpoint")
    def record_checkpoint(self) -> CheckpointRecorded:
        """Record the ledger's current head as a checkpoint (a no-op on an empty ledger)."""
        cp = record_checkpoint(self._engine)
        return CheckpointRecorded(
            position=cp.position, head_hash=cp.head_hash, recorded_at=cp.recorded_at
        )
