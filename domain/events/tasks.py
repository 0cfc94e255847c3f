"""Events of a task (assigned, reminded, escalated, ... completed) and of the notices it sends."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from uprflow.domain.events.base import DomainEvent, Id


class TaskAssigned(DomainEvent):
    """A task was assigned to an organisation (and role) with a due date."""

    task_id: Id = Field(min_length=1)
    kind: str = Field(min_length=1, description="e.g. contribute_section, answer_comment")
    title: str = Field(min_length=1)
    assignee_org: Id = Field(min_length=1)
    assignee_role: str = Field(min_length=1)
    subject_ref: Id | None = Field(None, description="what the task is about, e.g. a rec id")
    due_at: datetime


class TaskReminded(DomainEvent):
    """A reminder for a task was sent."""

    task_id: Id = Field(min_length=1)
    reminder_number: int = Field(ge=1)


class TaskEscalated(DomainEvent):
    """An overdue task was escalated (e.g. to the NMRF chair)."""

    task_id: Id = Field(min_length=1)
    escalated_to: Id = Field(min_length=1)
    level: int = Field(ge=1)


class TaskExtended(DomainEvent):
    """A task's due date moved later."""

    task_id: Id = Field(min_length=1)
    new_due_at: datetime
    reason: str = Field(min_length=1)


class TaskReassigned(DomainEvent):
    """A task moved to another organisation or role."""

    task_id: Id = Field(min_length=1)
    assignee_org: Id = Field(min_length=1)
    assignee_role: str = Field(min_length=1)
    reason: str | None = None


class TaskCompleted(DomainEvent):
    """A task was completed by its assignee."""

    task_id: Id = Field(min_length=1)
    completed_by: Id = Field(min_length=1)
    result_ref: str | None = None


class TaskCancelled(DomainEvent):
    """A task was cancelled."""

    task_id: Id = Field(min_length=1)
    reason: str = Field(min_length=1)


class NotificationDelivered(DomainEvent):
    """A notice reached its recipient (e-mail, webhook or inbox)."""

    notification_id: Id = Field(min_length=1)
    recipient: str = Field(min_length=1)
    channel: Literal["email", "webhook", "inbox"]
    template: str = Field(min_length=1)
    task_id: Id | None = None


#: This module's events, in catalogue order (see :mod:`uprflow.domain.events.registry`).
EVENTS: tuple[type[DomainEvent], ...] = (
    TaskAssigned,
    TaskReminded,
    TaskEscalated,
    TaskExtended,
    TaskReassigned,
    TaskCompleted,
    TaskCancelled,
    NotificationDelivered,
)
