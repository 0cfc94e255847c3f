"""What crosses Temporal to and from a task workflow: its spec, update bodies, view, outcome.

A stage starts a task with a :class:`TaskSpec` and reads its :class:`TaskOutcome`; the API
completes, extends, reassigns and cancels it with the update bodies below and reads
:class:`TaskView`. They are versionable: add fields with defaults, never rename one (histories
carry them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from uprflow.domain.envelope import Actor
from uprflow.domain.profile import Reminders
from uprflow.domain.tasks import TaskContext, TaskKind
from uprflow.workflows.notifying import Contact


class TaskSpec(BaseModel):
    """Everything a task workflow needs, fixed at assignment (versionable: add defaults)."""

    task_id: str
    cycle_id: str
    kind: TaskKind
    title: str
    assignee_org: str
    assignee_role: str
    due_at: datetime
    context: TaskContext
    reminders: Reminders
    assignee_contact: Contact = Contact()
    escalation_contact: Contact = Contact()


class TaskCompletion(BaseModel):
    """The body of the ``complete`` update."""

    actor: Actor
    payload: dict[str, Any]
    expected_version: int | None = Field(
        None, description="the task version the caller saw; a stale one is rejected"
    )
    request_id: str | None = None


class TaskExtension(BaseModel):
    """The body of the ``extend`` update."""

    actor: Actor
    new_due_at: datetime
    reason: str = Field(min_length=1)
    request_id: str | None = None


class TaskReassignment(BaseModel):
    """The body of the ``reassign`` update."""

    actor: Actor
    assignee_org: str = Field(min_length=1)
    assignee_role: str = Field(min_length=1)
    reason: str | None = None
    contact: Contact = Contact()
    request_id: str | None = None


class TaskCancellation(BaseModel):
    """The body of the ``cancel`` update."""

    actor: Actor
    reason: str = Field(min_length=1)
    request_id: str | None = None


class TaskView(BaseModel):
    """What the ``view`` query and every update return."""

    task_id: str
    cycle_id: str
    kind: TaskKind
    title: str
    stage: str
    assignee_org: str
    assignee_role: str
    due_at: datetime
    status: Literal["open", "completed", "cancelled"]
    version: int
    reminders_sent: int
    escalations_sent: int
    subjects: list[str]
    context: TaskContext
    completed_by: str | None = None
    result: dict[str, Any] | None = None


class TaskOutcome(BaseModel):
    """The task workflow's result, read by the stage that assigned it."""

    task_id: str
    status: Literal["completed", "cancelled"]
    assignee_org: str
    payload: dict[str, Any] | None = None
    completed_by: str | None = None


def task_workflow_id(task_id: str) -> str:
    """Task ids are workflow ids: ``task-<CC>-<N>-...``."""
    return task_id
