"""What a task's notices say: the facts each notice template is rendered with."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from uprflow.domain.notices import Template
from uprflow.domain.reminders import days_overdue
from uprflow.workflows.task_models import TaskSpec


def notice_facts(
    template: Template,
    spec: TaskSpec,
    org: str,
    *,
    now: datetime,
    reminders_sent: int,
    escalations_sent: int,
    extra: Mapping[str, str] = {},
) -> dict[str, str]:
    """The facts of the ``template`` notice about ``spec`` to ``org`` (``now``: workflow time)."""
    due = spec.due_at.isoformat()
    if template == "task_assigned":
        return {"title": spec.title, "kind": spec.kind.value, "due": due, "assignee": org}
    if template == "task_reminder":
        return {"title": spec.title, "n": str(reminders_sent), "due": due}
    if template == "task_escalated":
        return {
            "title": spec.title,
            "assignee": spec.assignee_org,
            "days_overdue": str(days_overdue(spec.due_at, now)),
            "level": str(escalations_sent),
            "due": due,
        }
    return {"title": spec.title, "due": due, "assignee": org, **extra}
