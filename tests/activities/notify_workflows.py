"""A tiny workflow that delivers one notice (kept apart: the sandbox re-imports this module)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from uprflow.activities.notify import DeliveryReport
    from uprflow.domain.notices import Notice

#: The retry policy under test: Temporal, not the activity, retries a failed delivery.
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=5)


@workflow.defn
class DeliverNoticeProbe:
    """Runs ``deliver_notice`` once, with :data:`RETRY`."""

    @workflow.run
    async def run(self, notice: Notice) -> DeliveryReport:
        return await workflow.execute_activity(
            "deliver_notice",
            notice,
            result_type=DeliveryReport,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )
