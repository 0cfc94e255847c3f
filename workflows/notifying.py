"""Workflow-side helper: send a notice through the ``deliver_notice`` activity.

Delivery failures never fail the workflow that sends the notice: Temporal retries the
activity (the outbox keeps each attempt), and a notice that still cannot be delivered after
:data:`GIVE_UP_AFTER` is logged and left in the outbox as failed, while the task's deadline,
reminders and escalation go on.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from uprflow.domain.notices import Notice, Template, render

GIVE_UP_AFTER = timedelta(days=1)
DELIVERY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)


class Contact(BaseModel):
    """Where an organisation receives notices (from its national profile entry)."""

    email: str | None = None
    webhook_url: str | None = None


async def notify(
    *,
    template: Template,
    cycle_id: str,
    task_id: str | None,
    recipient_org: str,
    contact: Contact,
    facts: dict[str, str],
    data: dict[str, str] | None = None,
) -> None:
    """Render and deliver one notice; never raises on delivery failure."""
    subject, body = render(template, **facts)
    notice = Notice(
        # Why: minted by the workflow, so the id is the same on replay and on retries; the
        # activity's outbox and ledger writes are idempotent on it.
        notification_id=f"{task_id or cycle_id}/{template}/{workflow.uuid4()}",
        cycle_id=cycle_id,
        task_id=task_id,
        template=template,
        recipient_org=recipient_org,
        email=contact.email,
        webhook_url=contact.webhook_url,
        subject=subject,
        body=body,
        data={"template": template, **facts, **(data or {})},
        occurred_at=workflow.now(),
    )
    try:
        await workflow.execute_activity(
            "deliver_notice",
            notice,
            start_to_close_timeout=timedelta(seconds=60),
            schedule_to_close_timeout=GIVE_UP_AFTER,
            retry_policy=DELIVERY_RETRY,
        )
    except ActivityError as exc:
        workflow.logger.error(
            "notice not delivered",
            extra={"notification_id": notice.notification_id, "error": str(exc.cause)},
        )
