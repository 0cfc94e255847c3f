"""The fold of a task's life: assigned, reminded, escalated, extended, reassigned, closed."""

from __future__ import annotations

from datetime import datetime

from uprflow.domain import events as ev
from uprflow.domain.fold.handlers import Handlers
from uprflow.domain.fold.updates import copy_model, update_task
from uprflow.domain.state import CycleState, TaskState

#: This concern's handlers (merged by :mod:`uprflow.domain.fold.reducer`).
handlers = Handlers()


@handlers.on(ev.TaskAssigned)
def _task_assigned(s: CycleState, e: ev.TaskAssigned, at: datetime) -> CycleState:
    task = TaskState(
        task_id=e.task_id,
        kind=e.kind,
        title=e.title,
        assignee_org=e.assignee_org,
        assignee_role=e.assignee_role,
        subject_ref=e.subject_ref,
        due_at=e.due_at,
        assigned_at=at,
    )
    return copy_model(s, {"tasks": {**s.tasks, e.task_id: task}})


@handlers.on(ev.TaskReminded)
def _task_reminded(s: CycleState, e: ev.TaskReminded, at: datetime) -> CycleState:
    task = s.tasks.get(e.task_id)
    return update_task(s, e.task_id, reminders=task.reminders + 1) if task else s


@handlers.on(ev.TaskEscalated)
def _task_escalated(s: CycleState, e: ev.TaskEscalated, at: datetime) -> CycleState:
    return update_task(s, e.task_id, escalation_level=e.level, escalated_to=e.escalated_to)


@handlers.on(ev.TaskExtended)
def _task_extended(s: CycleState, e: ev.TaskExtended, at: datetime) -> CycleState:
    return update_task(s, e.task_id, due_at=e.new_due_at)


@handlers.on(ev.TaskReassigned)
def _task_reassigned(s: CycleState, e: ev.TaskReassigned, at: datetime) -> CycleState:
    return update_task(s, e.task_id, assignee_org=e.assignee_org, assignee_role=e.assignee_role)


@handlers.on(ev.TaskCompleted)
def _task_completed(s: CycleState, e: ev.TaskCompleted, at: datetime) -> CycleState:
    return update_task(s, e.task_id, status="completed", completed_by=e.completed_by, closed_at=at)


@handlers.on(ev.TaskCancelled)
def _task_cancelled(s: CycleState, e: ev.TaskCancelled, at: datetime) -> CycleState:
    return update_task(s, e.task_id, status="cancelled", closed_at=at)
