"""The probe workflow of the graceful-shutdown test (apart: the sandbox re-imports this module)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy


class SlowDeliveryRequest(BaseModel):
    """One slow delivery: sleep ``seconds``, then record ``NotificationDelivered``."""

    cycle_id: str
    notification_id: str
    seconds: float
    #: Each attempt appends "started <attempt>" here, and "finished" once its event is in.
    runs_file: str


@workflow.defn
class SlowDeliveryProbe:
    """Runs ``slow_delivery`` once and returns the ledger position of its event."""

    @workflow.run
    async def run(self, request: SlowDeliveryRequest) -> int:
        return await workflow.execute_activity(
            "slow_delivery",
            request,
            result_type=int,
            start_to_close_timeout=timedelta(seconds=120),
            retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1)),
        )
