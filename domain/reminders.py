"""When a task's reminders and escalations fall due (pure schedule arithmetic).

A task with due date D under a profile's reminder policy gets a reminder ``d`` days before D
for each ``d`` in ``before_due_days``, one on D when ``on_due``, is escalated
``escalate_after_days`` after D, and escalated again every ``repeat_escalation_every_days``
until it is closed. The task workflow sleeps until :func:`next_alarm` and fires it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from uprflow.domain.profile.reminders import Reminders


class Alarm(BaseModel):
    """One reminder or escalation: what, when, and its running number."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["remind", "escalate"]
    at: datetime
    number: int


def schedule(due_at: datetime, policy: Reminders, *, escalations: int = 1) -> list[Alarm]:
    """The alarms of a task due at ``due_at``: reminders, then ``escalations`` escalations."""
    offsets = sorted({d for d in policy.before_due_days if d > 0}, reverse=True)
    points = [due_at - timedelta(days=d) for d in offsets]
    if policy.on_due:
        points.append(due_at)
    alarms = [Alarm(kind="remind", at=at, number=i + 1) for i, at in enumerate(points)]
    first = due_at + timedelta(days=policy.escalate_after_days)
    step = timedelta(days=policy.repeat_escalation_every_days)
    alarms += [
        Alarm(kind="escalate", at=first + step * i, number=i + 1) for i in range(escalations)
    ]
    return alarms


def next_alarm(
    due_at: datetime, policy: Reminders, *, reminders_sent: int, escalations_sent: int
) -> Alarm:
    """The first alarm not yet fired (escalations repeat for as long as the task is open)."""
    reminders = schedule(due_at, policy, escalations=0)
    if reminders_sent < len(reminders):
        return reminders[reminders_sent]
    return schedule(due_at, policy, escalations=escalations_sent + 1)[-1]


def days_overdue(due_at: datetime, now: datetime) -> int:
    """Whole days past the due date (0 when not overdue)."""
    return max(0, (now - due_at).days)


def reminders_passed(due_at: datetime, policy: Reminders, now: datetime) -> int:
    """How many reminders of this schedule lie at or before ``now``.

    Why: a task assigned (or extended) late must not fire reminders for instants that were
    already past when its due date was set; the task starts counting from here.
    """
    return sum(1 for a in schedule(due_at, policy, escalations=0) if a.at <= now)
