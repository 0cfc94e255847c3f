"""One workflow per task assignment: deadline, reminders, escalation, and completion by update.

The task is the unit a person acts on. Its workflow records ``TaskAssigned``, notifies the
assignee, then sleeps until the next alarm of its reminder policy (reminders before and on
the due date, escalation to the NMRF when overdue, repeated) until it is completed or
cancelled. Completion is a Temporal **update** whose validator rejects a wrong payload, a
closed task or a stale version before anything is written; the handler records the business
events the payload establishes together with ``TaskCompleted`` in one append, so the caller's
response reflects committed state.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.domain import events as ev
    from uprflow.domain.notices import Template
    from uprflow.domain.refusals import Refusal
    from uprflow.domain.reminders import next_alarm, reminders_passed
    from uprflow.domain.tasks import (
        completion_events,
        result_ref,
        validate_completion,
    )
    from uprflow.workflows.notifying import Contact, notify
    from uprflow.workflows.recording import record
    from uprflow.workflows.refusals import refuse
    from uprflow.workflows.search_attributes import ASSIGNEE, DUE_AT
    from uprflow.workflows.task_models import (
        TaskCancellation,
        TaskCompletion,
        TaskExtension,
        TaskOutcome,
        TaskReassignment,
        TaskSpec,
        TaskView,
    )
    from uprflow.workflows.task_notices import notice_facts
    from uprflow.workflows.task_rules import (
        check_completion,
        check_extension,
        check_open,
        check_reassignment,
    )


@workflow.defn(name="Task")
class TaskWorkflow:
    """A task assigned to an organisation, alive until completed or cancelled."""

    def __init__(self) -> None:
        self._spec: TaskSpec | None = None
        self._status: Literal["open", "completed", "cancelled"] = "open"
        self._version = 1
        self._reminders_sent = 0
        self._escalations_sent = 0
        self._busy = False  # a completing/cancelling handler is running
        self._schedule_changed = False
        self._completed_by: str | None = None
        self._result: dict[str, Any] | None = None

    # ------------------------------------------------------------------ run

    @workflow.run
    async def run(self, spec: TaskSpec) -> TaskOutcome:
        self._spec = spec
        # Visibility: overdue tasks are listed with e.g. "DueAt < '<now>'" on running ones.
        workflow.upsert_search_attributes(
            [ASSIGNEE.value_set(spec.assignee_org), DUE_AT.value_set(spec.due_at)]
        )
        now = workflow.now()
        self._reminders_sent = reminders_passed(spec.due_at, spec.reminders, now)
        await record(
            spec.task_id,
            [
                ev.TaskAssigned(
                    cycle_id=spec.cycle_id,
                    task_id=spec.task_id,
                    kind=spec.kind.value,
                    title=spec.title,
                    assignee_org=spec.assignee_org,
                    assignee_role=spec.assignee_role,
                    subject_ref=spec.context.subjects[0]
                    if len(spec.context.subjects) == 1
                    else None,
                    due_at=spec.due_at,
                )
            ],
        )
        await self._notify("task_assigned", spec.assignee_org, spec.assignee_contact)

        while self._status == "open":
            alarm = next_alarm(
                self._spec.due_at,
                self._spec.reminders,
                reminders_sent=self._reminders_sent,
                escalations_sent=self._escalations_sent,
            )
            wait = max(alarm.at - workflow.now(), timedelta(0))
            self._schedule_changed = False
            try:
                await workflow.wait_condition(
                    lambda: self._status != "open" or self._schedule_changed, timeout=wait
                )
                continue  # closed, or the due date / assignee changed: recompute
            except TimeoutError:
                pass
            if self._busy or self._status != "open":
                continue
            if alarm.kind == "remind":
                self._reminders_sent += 1
                await record(
                    self._spec.task_id,
                    [
                        ev.TaskReminded(
                            cycle_id=self._spec.cycle_id,
                            task_id=self._spec.task_id,
                            reminder_number=self._reminders_sent,
                        )
                    ],
                )
                await self._notify(
                    "task_reminder", self._spec.assignee_org, self._spec.assignee_contact
                )
            else:
                self._escalations_sent += 1
                await record(
                    self._spec.task_id,
                    [
                        ev.TaskEscalated(
                            cycle_id=self._spec.cycle_id,
                            task_id=self._spec.task_id,
                            escalated_to=self._spec.reminders.escalate_to,
                            level=self._escalations_sent,
                        )
                    ],
                )
                await self._notify(
                    "task_escalated",
                    self._spec.reminders.escalate_to,
                    self._spec.escalation_contact,
                )

        # Why: let a running handler finish its append before the workflow completes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return TaskOutcome(
            task_id=self._spec.task_id,
            status="completed" if self._status == "completed" else "cancelled",
            assignee_org=self._spec.assignee_org,
            payload=self._result,
            completed_by=self._completed_by,
        )

    # ------------------------------------------------------------------ complete

    def _check_open(self, expected_version: int | None = None) -> TaskSpec:
        return check_open(
            self._spec,
            self._status,
            busy=self._busy,
            version=self._version,
            expected_version=expected_version,
        )

    @workflow.update
    async def complete(self, completion: TaskCompletion) -> TaskView:
        """Complete the task with a payload of its kind's schema."""
        spec = self._check_open(completion.expected_version)  # re-checked: a racing twin
        self._busy = True
        try:
            # Why lenient: the validator checked the text limits; a replayed history from before
            # them must give the same events (domain/text.py).
            parsed = validate_completion(spec.kind, completion.payload, spec.context, lenient=True)
            org = completion.actor.organisation
            facts = completion_events(
                spec.kind,
                parsed,
                spec.context,
                cycle_id=spec.cycle_id,
                task_id=spec.task_id,
                org=org,
                now=workflow.now(),
            )
            facts.append(
                ev.TaskCompleted(
                    cycle_id=spec.cycle_id,
                    task_id=spec.task_id,
                    completed_by=org,
                    result_ref=result_ref(parsed),
                )
            )
            await record(
                spec.task_id, facts, actor=completion.actor, request_id=completion.request_id
            )
        finally:
            self._busy = False
        self._status = "completed"
        self._version += 1
        self._completed_by = org
        self._result = parsed.model_dump(mode="json")
        return self.view()

    @complete.validator
    def _validate_complete(self, completion: TaskCompletion) -> None:
        check_completion(self._check_open(completion.expected_version), completion)

    # ------------------------------------------------------------------ extend / reassign / cancel

    @workflow.update
    async def extend(self, ext: TaskExtension) -> TaskView:
        """Move the due date later (the secretariat's call); reminders restart from there."""
        spec = self._check_open()
        self._busy = True
        try:
            await record(
                spec.task_id,
                [
                    ev.TaskExtended(
                        cycle_id=spec.cycle_id,
                        task_id=spec.task_id,
                        new_due_at=ext.new_due_at,
                        reason=ext.reason,
                    )
                ],
                actor=ext.actor,
                request_id=ext.request_id,
            )
        finally:
            self._busy = False
        self._spec = spec.model_copy(update={"due_at": ext.new_due_at})
        workflow.upsert_search_attributes([DUE_AT.value_set(ext.new_due_at)])
        self._reminders_sent = reminders_passed(ext.new_due_at, spec.reminders, workflow.now())
        self._escalations_sent = 0
        self._version += 1
        self._schedule_changed = True
        return self.view()

    @extend.validator
    def _validate_extend(self, ext: TaskExtension) -> None:
        check_extension(self._check_open(), ext)

    @workflow.update
    async def reassign(self, re: TaskReassignment) -> TaskView:
        """Give the task to another organisation; it is notified."""
        spec = self._check_open()
        self._busy = True
        try:
            await record(
                spec.task_id,
                [
                    ev.TaskReassigned(
                        cycle_id=spec.cycle_id,
                        task_id=spec.task_id,
                        assignee_org=re.assignee_org,
                        assignee_role=re.assignee_role,
                        reason=re.reason,
                    )
                ],
                actor=re.actor,
                request_id=re.request_id,
            )
        finally:
            self._busy = False
        self._spec = spec.model_copy(
            update={
                "assignee_org": re.assignee_org,
                "assignee_role": re.assignee_role,
                "assignee_contact": re.contact,
            }
        )
        workflow.upsert_search_attributes([ASSIGNEE.value_set(re.assignee_org)])
        self._version += 1
        self._schedule_changed = True
        await self._notify(
            "task_reassigned", re.assignee_org, re.contact, previous_assignee=spec.assignee_org
        )
        return self.view()

    @reassign.validator
    def _validate_reassign(self, re: TaskReassignment) -> None:
        check_reassignment(self._check_open(), re)

    @workflow.update
    async def cancel(self, cancellation: TaskCancellation) -> TaskView:
        """Cancel the task; nothing more is expected of the assignee."""
        spec = self._check_open()
        self._busy = True
        try:
            await record(
                spec.task_id,
                [
                    ev.TaskCancelled(
                        cycle_id=spec.cycle_id, task_id=spec.task_id, reason=cancellation.reason
                    )
                ],
                actor=cancellation.actor,
                request_id=cancellation.request_id,
            )
        finally:
            self._busy = False
        self._status = "cancelled"
        self._version += 1
        return self.view()

    @cancel.validator
    def _validate_cancel(self, cancellation: TaskCancellation) -> None:
        self._check_open()

    @workflow.signal
    async def cancel_by_stage(self, reason: str) -> None:
        """The stage that assigned the task closed; nothing more is expected (no-op if closed)."""
        spec = self._spec
        if spec is None or self._status != "open" or self._busy:
            return
        self._busy = True
        try:
            await record(
                spec.task_id,
                [ev.TaskCancelled(cycle_id=spec.cycle_id, task_id=spec.task_id, reason=reason)],
            )
        finally:
            self._busy = False
        self._status = "cancelled"
        self._version += 1

    # ------------------------------------------------------------------ queries

    @workflow.query
    def view(self) -> TaskView:
        """The task as its assignee sees it."""
        spec = self._spec
        if spec is None:
            raise refuse(Refusal.TASK_NOT_READY, "the task is not started yet")
        return TaskView(
            task_id=spec.task_id,
            cycle_id=spec.cycle_id,
            kind=spec.kind,
            title=spec.title,
            stage=spec.context.stage,
            assignee_org=spec.assignee_org,
            assignee_role=spec.assignee_role,
            due_at=spec.due_at,
            status=self._status,
            version=self._version,
            reminders_sent=self._reminders_sent,
            escalations_sent=self._escalations_sent,
            subjects=list(spec.context.subjects),
            context=spec.context,
            completed_by=self._completed_by,
            result=self._result,
        )

    async def _notify(self, template: Template, org: str, contact: Contact, **extra: str) -> None:
        assert self._spec is not None
        facts = notice_facts(
            template,
            self._spec,
            org,
            now=workflow.now(),
            reminders_sent=self._reminders_sent,
            escalations_sent=self._escalations_sent,
            extra=extra,
        )
        await notify(
            template=template,
            cycle_id=self._spec.cycle_id,
            task_id=self._spec.task_id,
            recipient_org=org,
            contact=contact,
            facts=facts,
        )
