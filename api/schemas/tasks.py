"""Wire models of the task inbox and the task commands, and the conversions from the read
model's task state and the task workflow's view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from uprflow.api.schemas.common import (
    TASK_ID,
    WHEN,
    AssigneeRole,
    RequestBody,
    examples,
    strict_examples,
)
from uprflow.domain.state import TaskState
from uprflow.domain.tasks import TaskContext, TaskKind
from uprflow.domain.text import LongText, ShortText
from uprflow.domain.values import NATIONAL_REPORT_MAX_WORDS, Document, Position
from uprflow.workflows.task_models import TaskView

TaskStatus = Literal["open", "completed", "cancelled"]

_TASK_EXAMPLE = {
    "cycle_id": "cycle-KE-4",
    "task_id": TASK_ID,
    "kind": "propose_positions",
    "title": "Propose positions on 12 recommendations",
    "assignee_org": "MOJ",
    "assignee_role": "ministry",
    "subject_ref": None,
    "due_at": "2030-02-10T00:00:00Z",
    "status": "open",
    "assigned_at": WHEN,
    "reminders": 0,
    "escalation_level": 0,
    "overdue": False,
}


class TaskContextOut(BaseModel):
    """What a task is about, fixed when it was assigned: ``subjects`` are the ids the payload
    must cover, ``proposals`` the earlier positions for assessment and decision tasks."""

    stage: str
    document: Document | None = None
    subjects: list[str] = []
    proposals: dict[str, Position] = {}
    plan_fields: list[str] = []
    period_end: date | None = None
    max_words: int = NATIONAL_REPORT_MAX_WORDS
    draft_version: int = 0
    round: int = 0
    note: str = ""


# ------------------------------------------------------------------ inbox


class TaskItem(BaseModel):
    """A task in an inbox."""

    model_config = examples(_TASK_EXAMPLE)

    task_id: str
    kind: str
    title: str
    assignee_org: str
    assignee_role: str
    subject_ref: str | None = None
    due_at: datetime
    status: TaskStatus = "open"
    assigned_at: datetime | None = None
    reminders: int = 0
    escalation_level: int = 0
    escalated_to: str | None = None
    completed_by: str | None = None
    closed_at: datetime | None = None
    cycle_id: str
    overdue: bool = Field(description="open and past its due date")


class TaskList(BaseModel):
    """A page of an inbox."""

    model_config = examples({"items": [_TASK_EXAMPLE], "total": 1, "limit": 100, "offset": 0})

    items: list[TaskItem]
    total: int
    limit: int
    offset: int


class TaskDetail(TaskItem):
    """One task: the read model plus the workflow's live view (version and context)."""

    model_config = examples(
        {
            **_TASK_EXAMPLE,
            "version": 1,
            "stage": "decisions",
            "subjects": ["KE-S35-001"],
            "context": {"stage": "decisions", "subjects": ["KE-S35-001"]},
            "result": None,
            "live": True,
        }
    )

    version: int | None = Field(
        None, description="the task's version; send it as expected_version when completing"
    )
    stage: str | None = None
    subjects: list[str] = Field(default_factory=list, description="what the payload must cover")
    context: TaskContextOut | None = None
    result: dict[str, Any] | None = None
    live: bool = Field(description="whether the task workflow answered the view query")


class TaskOut(BaseModel):
    """The task after the command (committed: the ledger and read models already show it)."""

    model_config = examples(
        {
            "task_id": TASK_ID,
            "cycle_id": "cycle-KE-4",
            "kind": "propose_positions",
            "title": "Propose positions on 1 recommendations",
            "stage": "decisions",
            "assignee_org": "MOJ",
            "assignee_role": "ministry",
            "due_at": "2030-02-10T00:00:00Z",
            "status": "completed",
            "version": 2,
            "reminders_sent": 0,
            "escalations_sent": 0,
            "subjects": ["KE-S35-001"],
            "context": {"stage": "decisions", "subjects": ["KE-S35-001"]},
            "completed_by": "MOJ",
            "result": {"positions": [{"recommendation_id": "KE-S35-001", "position": "supported"}]},
        }
    )

    task_id: str
    cycle_id: str
    kind: TaskKind
    title: str
    stage: str
    assignee_org: str
    assignee_role: str
    due_at: datetime
    status: TaskStatus
    version: int
    reminders_sent: int
    escalations_sent: int
    subjects: list[str]
    context: TaskContextOut
    completed_by: str | None = None
    result: dict[str, Any] | None = None


# ------------------------------------------------------------------ commands


class TaskCompleteIn(RequestBody):
    """Complete a task with a payload of its kind's schema."""

    model_config = strict_examples(
        {
            "payload": {
                "positions": [
                    {"recommendation_id": "KE-S35-001", "position": "supported"},
                    {
                        "recommendation_id": "KE-S35-002",
                        "position": "noted",
                        "justification": "under review by the law reform commission",
                    },
                ]
            },
            "expected_version": 1,
        },
        {"payload": {"title": "Contribution of the Ministry of Justice", "word_count": 900}},
    )

    payload: dict[str, Any] = Field(description="the completion payload of the task's kind")
    expected_version: int | None = Field(
        None, ge=1, description="the version you saw; a stale one is refused with 409"
    )


class TaskExtendIn(RequestBody):
    """Move a task's due date later."""

    model_config = strict_examples(
        {"due_at": "2030-03-01T00:00:00Z", "reason": "the minister is travelling"}
    )

    due_at: AwareDatetime
    reason: LongText = Field(min_length=1, max_length=2000)


class TaskReassignIn(RequestBody):
    """Give a task to another organisation."""

    model_config = strict_examples(
        {"assignee_org": "MOI", "assignee_role": "ministry", "reason": "migration is theirs"}
    )

    assignee_org: ShortText = Field(min_length=1, max_length=200)
    assignee_role: AssigneeRole
    reason: LongText | None = Field(None, max_length=2000)


# ------------------------------------------------------------------ conversions


def task_context_out(context: TaskContext) -> TaskContextOut:
    """A task's context as the API shows it."""
    return TaskContextOut(
        stage=context.stage,
        document=context.document,
        subjects=list(context.subjects),
        proposals=dict(context.proposals),
        plan_fields=list(context.plan_fields),
        period_end=context.period_end,
        max_words=context.max_words,
        draft_version=context.draft_version,
        round=context.round,
        note=context.note,
    )


def task_item(task: TaskState, *, cycle_id: str, overdue: bool) -> TaskItem:
    """A read-model task as an inbox entry."""
    return TaskItem(
        task_id=task.task_id,
        kind=task.kind,
        title=task.title,
        assignee_org=task.assignee_org,
        assignee_role=task.assignee_role,
        subject_ref=task.subject_ref,
        due_at=task.due_at,
        status=task.status,
        assigned_at=task.assigned_at,
        reminders=task.reminders,
        escalation_level=task.escalation_level,
        escalated_to=task.escalated_to,
        completed_by=task.completed_by,
        closed_at=task.closed_at,
        cycle_id=cycle_id,
        overdue=overdue,
    )


def task_detail(item: TaskItem, view: TaskView | None) -> TaskDetail:
    """An inbox entry with the task workflow's live view (``live`` false without one)."""
    if view is None:
        return TaskDetail(**dict(item), live=False)
    return TaskDetail(
        **dict(item),
        version=view.version,
        stage=view.stage,
        subjects=list(view.subjects),
        context=task_context_out(view.context),
        result=view.result,
        live=True,
    )


def task_out(view: TaskView) -> TaskOut:
    """The task workflow's view after a command, as the API answers it."""
    return TaskOut(
        task_id=view.task_id,
        cycle_id=view.cycle_id,
        kind=view.kind,
        title=view.title,
        stage=view.stage,
        assignee_org=view.assignee_org,
        assignee_role=view.assignee_role,
        due_at=view.due_at,
        status=view.status,
        version=view.version,
        reminders_sent=view.reminders_sent,
        escalations_sent=view.escalations_sent,
        subjects=list(view.subjects),
        context=task_context_out(view.context),
        completed_by=view.completed_by,
        result=view.result,
    )
