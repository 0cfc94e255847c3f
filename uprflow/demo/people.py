"""Simulated people behind the notification boundary (``uprflow demo`` and full-cycle tests).

:func:`simulated_worker` builds the production worker with :class:`SimulatedPeople` as its
notifier: :meth:`SimulatedPeople.deliver_notice` is registered under the activity name
``deliver_notice``, the notice is delivered as usual (outbox, ledger) by the production
notifier it wraps, and then the recipient "reads" it and acts like a diligent desk officer —
it completes its task through the same validated Temporal update the HTTP API uses, or
comments on a draft whose window just opened. Everything else (workflows, validators, ledger)
is the production code.
"""

from __future__ import annotations

import sqlalchemy as sa
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateStage
from temporalio.service import RPCError
from temporalio.worker import Worker

from uprflow.activities.notify import Notifier
from uprflow.config import Settings
from uprflow.demo.answers import draft_comments, payload_for
from uprflow.demo.scenario import Scenario
from uprflow.domain.envelope import Actor
from uprflow.domain.notices import Notice
from uprflow.store.ledger import Ledger
from uprflow.worker import build_notifier, build_worker
from uprflow.workflows.draft_circulation import CommentIn, DraftCirculationStage
from uprflow.workflows.stage_models import stage_workflow_id
from uprflow.workflows.task import TaskWorkflow
from uprflow.workflows.task_models import TaskCompletion


class SimulatedPeople:
    """Delivers notices, then answers them on behalf of the recipient organisation."""

    def __init__(
        self,
        notifier: Notifier,
        scenario: Scenario,
        silent: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        """``notifier`` delivers each notice first; ``silent``: (organisation, task kind)
        pairs that never answer (to show escalation)."""
        self._notifier = notifier
        self._scenario = scenario
        self._silent = silent
        self.actions = 0

    @activity.defn(name="deliver_notice")
    async def deliver_notice(self, notice: Notice) -> None:
        """Deliver the notice, then act on it as its recipient would."""
        await self._notifier.deliver_notice(notice)
        if notice.template == "task_assigned" and notice.task_id:
            await self._complete(notice)
        elif notice.template == "window_opened":
            await self._comment(notice)

    async def _complete(self, notice: Notice) -> None:
        assert notice.task_id is not None
        handle = activity.client().get_workflow_handle(notice.task_id)
        view = await handle.query(TaskWorkflow.view)
        if view.status != "open" or (view.assignee_org, view.kind.value) in self._silent:
            return
        payload = payload_for(
            view.kind,
            view.context,
            org=view.assignee_org,
            task_id=view.task_id,
            scenario=self._scenario,
            today=notice.occurred_at.date(),
        )
        completion = TaskCompletion(
            actor=Actor(
                role=view.assignee_role, organisation=view.assignee_org, subject="simulated"
            ),
            payload=payload,
            expected_version=view.version,
            request_id=f"sim-{notice.notification_id}",
        )
        # Why ACCEPTED, not COMPLETED: the task workflow is waiting for this very activity;
        # the update runs as soon as the activity returns. The id makes a retry a no-op.
        await handle.start_update(
            TaskWorkflow.complete,
            completion,
            id=f"sim-{notice.notification_id}",
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
        )
        self.actions += 1

    async def _comment(self, notice: Notice) -> None:
        org = notice.recipient_org
        stage_id = stage_workflow_id(notice.cycle_id, "draft_circulation")
        handle = activity.client().get_workflow_handle(stage_id)
        for n, comment in enumerate(draft_comments(org), start=1):
            try:
                await handle.start_update(
                    DraftCirculationStage.submit_comment,
                    CommentIn(
                        actor=Actor(
                            role=notice.data.get("role", "cso"),
                            organisation=org,
                            subject="simulated",
                        ),
                        text=comment["text"],
                        themes=tuple(comment["themes"]),
                        request_id=f"sim-{notice.notification_id}-{n}",
                    ),
                    id=f"sim-{notice.notification_id}-{n}",
                    wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                )
                self.actions += 1
            except RPCError:
                return  # the window closed meanwhile


def simulated_worker(
    client: Client,
    settings: Settings,
    engine: sa.Engine,
    scenario: Scenario,
    *,
    ledger: Ledger | None = None,
    silent: frozenset[tuple[str, str]] = frozenset(),
    task_queue: str | None = None,
) -> Worker:
    """The production worker whose notices are delivered and then answered by simulated
    people acting out ``scenario``."""
    ledger = ledger or Ledger(engine)
    people = SimulatedPeople(build_notifier(engine, ledger, settings), scenario, silent)
    return build_worker(
        client, settings, engine, ledger=ledger, notifier=people, task_queue=task_queue
    )
