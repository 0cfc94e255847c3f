"""Activity that records a ledger checkpoint (position, head hash, time)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from temporalio import activity

from uprflow.activities.ports import Checkpoints


class CheckpointRecorded(BaseModel):
    """What :meth:`CheckpointActivities.record_checkpoint` returns."""

    position: int
    head_hash: str
    recorded_at: datetime


class CheckpointActivities:
    """Checkpoint activities bound to the ledger's checkpoints."""

    def __init__(self, checkpoints: Checkpoints) -> None:
        self._checkpoints = checkpoints

    @activity.defn(name="record_checkpoint")
    def record_checkpoint(self) -> CheckpointRecorded:
        """Record the ledger's current head as a checkpoint (a no-op on an empty ledger)."""
        cp = self._checkpoints.record_checkpoint()
        return CheckpointRecorded(
            position=cp.position, head_hash=cp.head_hash, recorded_at=cp.recorded_at
        )
