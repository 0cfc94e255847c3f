"""What every stage workflow shares: its window, early close and extension, and its tasks.

A stage is a child workflow of the cycle (``stage-<CC>-<N>-<stage>``). It records
``StageOpened`` with its deadline, assigns tasks as child task workflows, and records
``StageClosed`` when its window ends, when the secretariat closes it early, or when its work is
done. The secretariat's ``close_early`` and ``extend_deadline`` updates are validated (the
window must be open; a new deadline must be later and give a reason) before anything is
written, and the handler's event is committed when the update returns.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes

with workflow.unsafe.imports_passed_through():
    from uprflow.domain import events as ev
    from uprflow.domain.envelope import Actor
    from uprflow.domain.profile import Profile
    from uprflow.domain.refusals import Refusal
    from uprflow.domain.tasks import TaskContext, TaskKind
    from uprflow.workflows.notifying import Contact
    from uprflow.workflows.recording import record
    from uprflow.workflows.refusals import refuse
    from uprflow.workflows.search_attributes import ASSIGNEE, COUNTRY, CYCLE, DUE_AT, STAGE
    from uprflow.workflows.stage_models import (
        CloseEarly,
        ExtendDeadline,
        StageInput,
        StageResult,
        StageView,
        stage_workflow_id,
    )
    from uprflow.workflows.task import TaskWorkflow
    from uprflow.workflows.task_models import TaskOutcome, TaskSpec


class StageBase:
    """Mixin with the window, the secretariat's updates and task assignment."""

    def __init__(self) -> None:
        self.inp: StageInput | None = None
        self.deadline: datetime = datetime.min.replace(tzinfo=UTC)
        self.status = "pending"
        self.closed_early = False
        self._close_request: CloseEarly | None = None
        self._window_changed = False
        self._seq = 0
        self._open_tasks: dict[str, Any] = {}
        self._settling: dict[str, asyncio.Task[TaskOutcome]] = {}
        self._done = 0
        self._cancelled = 0

    # ------------------------------------------------------------------ properties

    @property
    def i(self) -> StageInput:
        assert self.inp is not None
        return self.inp

    @property
    def profile(self) -> Profile:
        return self.i.profile

    @property
    def stream(self) -> str:
        return stage_workflow_id(self.i.cycle_id, self.i.stage)

    # ------------------------------------------------------------------ window

    async def open(self, inp: StageInput) -> None:
        """Record ``StageOpened`` and tag the execution for visibility."""
        self.inp = inp
        self.deadline = inp.closes_at
        if workflow.now() < inp.opens_at:
            await workflow.sleep(inp.opens_at - workflow.now())
        self.status = "open"
        workflow.upsert_search_attributes(
            [
                COUNTRY.value_set(inp.country),
                CYCLE.value_set(inp.cycle_number),
                STAGE.value_set(inp.stage.value),
            ]
        )
        await self.record(
            [ev.StageOpened(cycle_id=inp.cycle_id, stage=inp.stage, deadline=self.deadline)]
        )

    async def record(
        self,
        events: Sequence[ev.DomainEvent],
        actor: Actor | None = None,
        request_id: str | None = None,
    ) -> None:
        """Append this stage's facts to its stream."""
        await record(
            self.stream, events, actor=actor, request_id=request_id, cycle_id=self.i.cycle_id
        )

    async def wait_window(self, until: datetime | None = None) -> None:
        """Sleep until the deadline (or ``until``), an early close, or an extension re-arms it."""
        while self.status == "open":
            target = min(self.deadline, until) if until else self.deadline
            remaining = target - workflow.now()
            if remaining <= timedelta(0):
                return
            self._window_changed = False
            try:
                await workflow.wait_condition(
                    lambda: self.closed_early or self._window_changed, timeout=remaining
                )
            except TimeoutError:
                return
            if self.closed_early:
                return

    async def wait_tasks_or_window(self) -> None:
        """Sleep until every open task of the stage is closed, or the window ends."""
        remaining = self.deadline - workflow.now()
        if remaining > timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: not self._open_tasks or self.closed_early, timeout=remaining
                )

    async def close(self, reason: str | None = None) -> None:
        """Cancel what is still open and record ``StageClosed``.

        Closed early, ``StageClosed`` names who asked (the secretariat's actor), for which
        request and the reason they gave, not the stage workflow.
        """
        if self.status == "closed":
            return
        await self.cancel_open_tasks(reason or "the stage closed")
        self.status = "closed"
        # Why only the event's content changes: the same activity is scheduled either way, so
        # histories recorded before this keep replaying (the command sequence is unchanged).
        asked = self._close_request if self.closed_early else None
        await self.record(
            [
                ev.StageClosed(
                    cycle_id=self.i.cycle_id,
                    stage=self.i.stage,
                    early=self.closed_early,
                    reason=asked.reason if asked is not None else reason,
                )
            ],
            actor=asked.actor if asked is not None else None,
            request_id=asked.request_id if asked is not None else None,
        )
        await workflow.wait_condition(workflow.all_handlers_finished)

    def _check_open(self) -> None:
        if self.status != "open":
            raise refuse(
                Refusal.STAGE_NOT_OPEN,
                f"the {self.i.stage.value if self.inp else '?'} stage is {self.status}",
                field="stage",
            )

    @workflow.update
    async def close_early(self, req: CloseEarly) -> StageView:
        """Close the stage's window now (the secretariat's call)."""
        self._check_open()
        self._close_request = req
        self.closed_early = True
        self._window_changed = True
        return self.view()

    @close_early.validator
    def _validate_close(self, req: CloseEarly) -> None:
        self._check_open()
        if self.closed_early:
            raise refuse(Refusal.STAGE_NOT_OPEN, "already closing", field="stage")

    @workflow.update
    async def extend_deadline(self, req: ExtendDeadline) -> StageView:
        """Move the stage's deadline later; recorded as ``DeadlineExtended``."""
        self._check_open()
        await self.record(
            [
                ev.DeadlineExtended(
                    cycle_id=self.i.cycle_id,
                    stage=self.i.stage,
                    new_deadline=req.new_deadline,
                    reason=req.reason,
                )
            ],
            actor=req.actor,
            request_id=req.request_id,
        )
        self.deadline = req.new_deadline
        self._window_changed = True
        return self.view()

    @extend_deadline.validator
    def _validate_extend(self, req: ExtendDeadline) -> None:
        self._check_open()
        if req.new_deadline <= self.deadline:
            raise refuse(
                Refusal.INVALID_EXTENSION,
                f"{req.new_deadline.isoformat()} is not later than the current "
                f"deadline {self.deadline.isoformat()}",
                field="new_deadline",
            )
        if req.new_deadline.tzinfo is None:
            raise refuse(Refusal.INVALID_EXTENSION, "must carry a time zone", field="new_deadline")

    @workflow.query
    def view(self) -> StageView:
        """Where the stage stands."""
        return StageView(
            stage=self.i.stage,
            status=self.status,
            opens_at=self.i.opens_at,
            deadline=self.deadline,
            closed_early=self.closed_early,
            open_tasks=sorted(self._open_tasks),
            done_tasks=self._done,
        )

    # ------------------------------------------------------------------ tasks

    def contact(self, org: str) -> Contact:
        """Where an organisation of the profile gets its notices."""
        o = self.profile.organisation(org)
        return Contact(email=o.email, webhook_url=o.webhook_url)

    def task_id(self, label: str) -> str:
        """A task id unique in the cycle: ``task-KE-4-decisions-03-moj-propose``."""
        self._seq += 1
        base = self.i.cycle_id.removeprefix("cycle-")
        slug = "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-")
        return f"task-{base}-{self.i.stage.value}-{self._seq:03d}-{slug}"[:200]

    async def assign(
        self,
        kind: TaskKind,
        org: str,
        title: str,
        due_at: datetime,
        *,
        role: str | None = None,
        context: TaskContext | None = None,
        label: str | None = None,
    ) -> str:
        """Start a child task workflow; return its task id (see :meth:`outcomes`)."""
        task_id = self.task_id(label or f"{org}-{kind.value}")
        org_kind = self.profile.organisation(org).kind
        spec = TaskSpec(
            task_id=task_id,
            cycle_id=self.i.cycle_id,
            kind=kind,
            title=title,
            assignee_org=org,
            assignee_role=role or role_of(org_kind),
            due_at=due_at,
            context=context or TaskContext(stage=self.i.stage.value),
            reminders=self.profile.reminders,
            assignee_contact=self.contact(org),
            escalation_contact=self.contact(self.profile.reminders.escalate_to),
        )
        handle = await workflow.start_child_workflow(
            TaskWorkflow.run,
            spec,
            id=task_id,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(COUNTRY, self.i.country),
                    SearchAttributePair(CYCLE, self.i.cycle_number),
                    SearchAttributePair(STAGE, self.i.stage.value),
                    SearchAttributePair(ASSIGNEE, org),
                    SearchAttributePair(DUE_AT, due_at),
                ]
            ),
        )
        self._open_tasks[task_id] = handle
        self._settling[task_id] = asyncio.create_task(self._settle(handle))
        return task_id

    async def _settle(self, handle: Any) -> TaskOutcome:
        result: TaskOutcome = await handle
        self._open_tasks.pop(result.task_id, None)
        if result.status == "completed":
            self._done += 1
        else:
            self._cancelled += 1
        return result

    async def outcomes(self, task_ids: Sequence[str]) -> list[TaskOutcome]:
        """Wait until the given tasks are closed; their outcomes in the same order."""
        return list(await asyncio.gather(*(self._settling[t] for t in task_ids)))

    async def settle_by(
        self, task_ids: Sequence[str], deadline: datetime, reason: str
    ) -> list[TaskOutcome]:
        """Wait for the tasks until ``deadline``; cancel those still open then (with ``reason``)."""
        remaining = deadline - workflow.now()
        if remaining > timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: all(t not in self._open_tasks for t in task_ids) or self.closed_early,
                    timeout=remaining,
                )
        late = [t for t in task_ids if t in self._open_tasks]
        for task_id in late:
            try:
                await self._open_tasks[task_id].signal(TaskWorkflow.cancel_by_stage, reason)
            except Exception as exc:  # it closed meanwhile
                workflow.logger.info("task already closed", extra={"error": str(exc)})
        return await self.outcomes(task_ids)

    async def cancel_open_tasks(self, reason: str) -> None:
        """Cancel every task of this stage still open (e.g. when its window closes)."""
        pending = list(self._open_tasks.items())
        for _task_id, handle in pending:
            try:
                await handle.signal(TaskWorkflow.cancel_by_stage, reason)
            except Exception as exc:  # it closed meanwhile: nothing to cancel
                workflow.logger.info("task already closed", extra={"error": str(exc)})
        # Why: a child still running when its parent completes would be terminated without a
        # trace in the ledger; wait until each task has recorded its cancellation.
        await self.outcomes([t for t, _ in pending])

    def orgs(self, entries: Sequence[str]) -> list[str]:
        """Organisation codes for a list of roles (nhri, cso, parliament, ...) or codes."""
        kinds = {
            "nhri": ("nhri",),
            "cso": ("cso_coalition",),
            "parliament": ("parliament_committee", "parliament"),
            "un_country_team": ("un_country_team",),
            "public": (),
        }
        out: list[str] = []
        for entry in entries:
            if entry in kinds:
                out += [o.code for o in self.profile.organisations if o.kind in kinds[entry]]
            else:
                out.append(entry)
        return list(dict.fromkeys(out))

    def soonest(self, due_at: datetime) -> datetime:
        """``due_at``, or one day from now if it has already passed."""
        return max(due_at, workflow.now() + timedelta(days=1))

    def due(self, days_from_now: float, *, not_after: datetime | None = None) -> datetime:
        """A due date ``days_from_now`` ahead (capped at ``not_after``, never in the past)."""
        due = workflow.now() + timedelta(days=days_from_now)
        if not_after is not None:
            due = min(due, not_after)
        return max(due, workflow.now() + timedelta(hours=1))

    def result(self, **kw: Any) -> StageResult:
        """The stage's result with its task counters."""
        return StageResult(
            stage=self.i.stage,
            closed_early=self.closed_early,
            tasks_completed=self._done,
            tasks_cancelled=self._cancelled,
            **kw,
        )


def role_of(kind: str) -> str:
    """The API role an organisation of this kind acts in."""
    return {
        "nmrf_chair": "secretariat",
        "nmrf_secretariat": "secretariat",
        "ministry": "ministry",
        "agency": "ministry",
        "judiciary": "ministry",
        "nhri": "nhri",
        "cso_coalition": "cso",
        "parliament": "parliament",
        "parliament_committee": "parliament",
        "un_country_team": "cso",
        "academia": "cso",
    }.get(kind, "ministry")
