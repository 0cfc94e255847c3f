"""A long-running workflow that records ledger checkpoints on a fixed interval.

Checkpoints (position, head hash, time) let ``audit verify`` detect a truncated log. One
execution per namespace (id :data:`CHECKPOINT_WORKFLOW_ID`); it continues as new after
:data:`ITERATIONS_PER_RUN` rounds so its history stays small over years of running.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.activities.checkpoints import CheckpointActivities, CheckpointRecorded

CHECKPOINT_WORKFLOW_ID = "ledger-checkpoints"
ITERATIONS_PER_RUN = 100


class CheckpointLoopInput(BaseModel):
    """Input of :class:`LedgerCheckpointWorkflow` (versionable: add fields with defaults)."""

    interval_seconds: int = 3600
    rounds_done: int = 0


@workflow.defn(name="LedgerCheckpoint")
class LedgerCheckpointWorkflow:
    """Record a checkpoint, sleep, repeat; continue as new every few rounds."""

    def __init__(self) -> None:
        self._last: CheckpointRecorded | None = None
        self._rounds = 0

    @workflow.run
    async def run(self, params: CheckpointLoopInput) -> None:
        self._rounds = params.rounds_done
        for _ in range(ITERATIONS_PER_RUN):
            self._last = await workflow.execute_activity_method(
                CheckpointActivities.record_checkpoint,
                start_to_close_timeout=timedelta(minutes=5),
            )
            self._rounds += 1
            workflow.logger.info(
                "ledger checkpoint recorded",
                extra={"position": self._last.position if self._last else None},
            )
            await workflow.sleep(timedelta(seconds=params.interval_seconds))
        workflow.continue_as_new(
            CheckpointLoopInput(interval_seconds=params.interval_seconds, rounds_done=self._rounds)
        )

    @workflow.query
    def last_checkpoint(self) -> CheckpointRecorded | None:
        """The checkpoint recorded most recently by this run."""
        return self._last

    @workflow.query
    def rounds(self) -> int:
        """How many checkpoints this workflow (across runs) has recorded."""
        return self._rounds
