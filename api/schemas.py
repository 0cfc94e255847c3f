"""Request and response bodies of the write side and the task inbox (cycles, stages,
recommendations, tasks, comments, submissions).

Each model carries an OpenAPI example. Request bodies are strict (unknown fields are refused
with a 422 naming them); the workflow validators check the business rules behind them (a
window must be open, a noted position needs a justification) and their refusals name the
field path too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from uprflow.domain.state import RecommendationState, TaskState
from uprflow.domain.tasks import (
    IndependentAssessmentPayload,
    ProgressPayload,
    RecommendationIn,
    TaskContext,
    TaskKind,
)
from uprflow.domain.values import Stage
from uprflow.workflows.cycle import CycleView
from uprflow.workflows.drafting import CommentReceipt
from uprflow.workflows.stage import StageView
from uprflow.workflows.task import TaskView

_STRICT = ConfigDict(extra="forbid")

#: The stages a cycle runs as workflows (path parameter of the stage commands).
StageName = Literal[
    "consultation",
    "draft_circulation",
    "validation",
    "review",
    "decisions",
    "follow_up",
    "midterm",
    "parliamentary_review",
]
#: The roles a task can be assigned to (auditors never act).
AssigneeRole = Literal["secretariat", "ministry", "nhri", "cso", "parliament"]

_WHEN = "2026-05-04T09:30:00Z"
_TASK_ID = "task-KE-4-decisions-003-moj-propose"


def _check_text(value: Any, where: str = "") -> None:
    """Refuse text that is not valid Unicode (a lone surrogate, which JSON can carry).

    Why: such a string cannot be encoded as UTF-8, so it could neither reach Temporal nor be
    hashed into the ledger; it is refused up front as a 422 naming the field.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{where or 'text'}: not valid Unicode (a lone surrogate)") from None
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_text(k, where)
            _check_text(v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _check_text(v, f"{where}.{i}" if where else str(i))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _check_text(getattr(value, name), f"{where}.{name}" if where else name)


def _valid_unicode(cls: type, value: Any) -> Any:
    _check_text(value)
    return value


class _Body(BaseModel):
    """A request body: strict, and its text must be valid Unicode (typed ``str`` fields are
    checked by pydantic; free-form ones such as a task payload or a profile here)."""

    model_config = _STRICT
    _unicode = field_validator("*", mode="after")(_valid_unicode)


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


def _strict_examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


# ------------------------------------------------------------------ cycles


class CycleStartIn(_Body):
    """Start a UPR cycle (``cycle-<CC>-<N>``)."""

    model_config = _strict_examples(
        {"country": "KE", "cycle": 4, "review_date": "2030-01-15"},
        {
            "country": "KE",
            "cycle": 4,
            "review_date": "2030-01-15",
            "chain_next": False,
            "profile": {"schema_version": 1, "country": "KE", "...": "a whole national profile"},
        },
    )

    country: str = Field(
        pattern=r"^[A-Za-z]{2,3}$", description="ISO 3166 code (case-insensitive), e.g. KE"
    )
    cycle: int = Field(ge=1, le=1_000_000, description="the UPR cycle number, e.g. 4")
    review_date: date = Field(
        ge=date(2000, 1, 1), le=date(2199, 12, 31), description="the Working Group review date"
    )
    profile: dict[str, Any] | None = Field(
        None,
        description="an inline national profile (as profiles/*.yaml, in JSON); "
        "omitted: the country's shipped profile",
    )
    chain_next: bool = Field(True, description="start the next cycle when this one completes")


class CycleStartOut(BaseModel):
    """The started (or already running) cycle."""

    model_config = _examples(
        {"cycle_id": "cycle-KE-4", "run_id": "0196a1c8-7c2e-7f7a-9d1e-3b0c", "status": "started"}
    )

    cycle_id: str
    run_id: str
    status: Literal["started", "already_running"]


class CycleSummaryOut(BaseModel):
    """A cycle as the read model knows it."""

    model_config = _examples(
        {
            "cycle_id": "cycle-KE-4",
            "status": "active",
            "country": "KE",
            "cycle_number": 4,
            "review_date": "2030-01-15",
            "profile_id": "ke:3f9a0c1b2d4e",
            "started_at": _WHEN,
            "completed_at": None,
            "next_cycle_id": None,
            "recommendations": 0,
            "last_position": 1042,
        }
    )

    cycle_id: str
    status: str
    country: str | None = None
    cycle_number: int | None = None
    review_date: date | None = None
    profile_id: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    next_cycle_id: str | None = None
    recommendations: int | None = Field(
        None, description="recommendations received (detail view only)"
    )
    last_position: int = Field(description="ledger position of the last event folded in")


class CycleList(BaseModel):
    """A page of cycles."""

    model_config = _examples(
        {
            "items": [
                {
                    "cycle_id": "cycle-KE-4",
                    "status": "active",
                    "country": "KE",
                    "cycle_number": 4,
                    "review_date": "2030-01-15",
                    "last_position": 1042,
                }
            ],
            "total": 1,
            "limit": 100,
            "offset": 0,
        }
    )

    items: list[CycleSummaryOut]
    total: int
    limit: int
    offset: int


class StageRecord(BaseModel):
    """A stage of a cycle as the read model knows it."""

    model_config = _examples(
        {
            "stage": "consultation",
            "status": "open",
            "opened_at": _WHEN,
            "deadline": "2026-10-31T00:00:00Z",
            "closed_at": None,
            "closed_early": False,
            "extensions": 0,
        }
    )

    stage: str
    status: str
    opened_at: datetime | None = None
    deadline: datetime | None = None
    closed_at: datetime | None = None
    closed_early: bool = False
    extensions: int = 0


class CycleLive(CycleView):
    """The cycle workflow's ``state`` query: every stage with its status and dates."""

    model_config = _examples(
        {
            "cycle_id": "cycle-KE-4",
            "country": "KE",
            "cycle_number": 4,
            "review_date": "2030-01-15",
            "status": "running",
            "stages": [
                {
                    "stage": "consultation",
                    "workflow_id": "stage-KE-4-consultation",
                    "status": "running",
                    "opens_on": "2029-01-15",
                    "closes_on": "2029-07-14",
                    "result": None,
                }
            ],
            "recommendations": 0,
            "carried_over": 0,
            "next_cycle_id": None,
        }
    )


class CycleDetail(BaseModel):
    """One cycle: the read model, and the live workflow state when Temporal answers."""

    model_config = _examples(
        {
            "cycle": {
                "cycle_id": "cycle-KE-4",
                "status": "active",
                "country": "KE",
                "cycle_number": 4,
                "review_date": "2030-01-15",
                "recommendations": 0,
                "last_position": 1042,
            },
            "stages": [{"stage": "consultation", "status": "open", "deadline": _WHEN}],
            "live": None,
            "live_error": "Temporal is not reachable",
        }
    )

    cycle: CycleSummaryOut
    stages: list[StageRecord]
    live: CycleLive | None = None
    live_error: str | None = Field(None, description="why the live state is missing")


class StageCloseIn(_Body):
    """Close a stage's window now."""

    model_config = _strict_examples({"reason": "all expected submissions have arrived"})

    reason: str = Field(min_length=1, max_length=2000)


class StageExtendIn(_Body):
    """Move a stage's deadline later."""

    model_config = _strict_examples(
        {"until": "2029-08-01T00:00:00Z", "reason": "the NHRI asked for two more weeks"}
    )

    until: AwareDatetime = Field(description="the new deadline (with a time zone)")
    reason: str = Field(min_length=1, max_length=2000)


class StageOut(StageView):
    """Where the stage stands after the command."""

    model_config = _examples(
        {
            "stage": "consultation",
            "status": "open",
            "opens_at": "2029-01-15T00:00:00Z",
            "deadline": "2029-08-01T00:00:00Z",
            "closed_early": False,
            "open_tasks": ["task-KE-4-consultation-002-nhri-submission"],
            "done_tasks": 9,
        }
    )


# ------------------------------------------------------------------ recommendations

_REC_EXAMPLE = {
    "recommendation_id": "KE-S35-001",
    "text": "Ratify the Optional Protocol to the Convention against Torture",
    "recommending_states": ["Denmark"],
    "themes": ["Torture and other CID treatment"],
    "sdgs": ["16.3"],
    "affected_persons": [],
    "source_paragraph": "A/HRC/44/9, para. 142.1",
}


class RecommendationsImportIn(_Body):
    """The Working Group's draft list of recommendations."""

    model_config = _strict_examples({"recommendations": [_REC_EXAMPLE]})

    recommendations: list[RecommendationIn] = Field(min_length=1, max_length=10_000)


class ImportOut(BaseModel):
    """The completed import task."""

    model_config = _examples(
        {"task_id": "task-KE-4-review-001-import-recommendations", "imported": 1, "task": {}}
    )

    task_id: str
    imported: int
    task: TaskView


class RecommendationOut(RecommendationState):
    """A recommendation with its routing, positions and follow-up."""

    model_config = _examples(
        {
            "cycle_id": "cycle-KE-4",
            **_REC_EXAMPLE,
            "status": "decided",
            "lead_ministry": "MOJ",
            "supporting": ["MOI"],
            "position": "supported",
        }
    )

    cycle_id: str


class RecommendationList(BaseModel):
    """A page of recommendations."""

    model_config = _examples(
        {
            "items": [{"cycle_id": "cycle-KE-4", **_REC_EXAMPLE, "status": "received"}],
            "total": 1,
            "limit": 100,
            "offset": 0,
        }
    )

    items: list[RecommendationOut]
    total: int
    limit: int
    offset: int


# ------------------------------------------------------------------ tasks

_TASK_EXAMPLE = {
    "cycle_id": "cycle-KE-4",
    "task_id": _TASK_ID,
    "kind": "propose_positions",
    "title": "Propose positions on 12 recommendations",
    "assignee_org": "MOJ",
    "assignee_role": "ministry",
    "subject_ref": None,
    "due_at": "2030-02-10T00:00:00Z",
    "status": "open",
    "assigned_at": _WHEN,
    "reminders": 0,
    "escalation_level": 0,
    "overdue": False,
}


class TaskItem(TaskState):
    """A task in an inbox."""

    model_config = _examples(_TASK_EXAMPLE)

    cycle_id: str
    overdue: bool = Field(description="open and past its due date")


class TaskList(BaseModel):
    """A page of an inbox."""

    model_config = _examples({"items": [_TASK_EXAMPLE], "total": 1, "limit": 100, "offset": 0})

    items: list[TaskItem]
    total: int
    limit: int
    offset: int


class TaskDetail(TaskItem):
    """One task: the read model plus the workflow's live view (version and context)."""

    model_config = _examples(
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
    context: TaskContext | None = None
    result: dict[str, Any] | None = None
    live: bool = Field(description="whether the task workflow answered the view query")


class TaskOut(TaskView):
    """The task after the command (committed: the ledger and read models already show it)."""

    model_config = _examples(
        {
            "task_id": _TASK_ID,
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


class TaskCompleteIn(_Body):
    """Complete a task with a payload of its kind's schema."""

    model_config = _strict_examples(
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


class TaskExtendIn(_Body):
    """Move a task's due date later."""

    model_config = _strict_examples(
        {"due_at": "2030-03-01T00:00:00Z", "reason": "the minister is travelling"}
    )

    due_at: AwareDatetime
    reason: str = Field(min_length=1, max_length=2000)


class TaskReassignIn(_Body):
    """Give a task to another organisation."""

    model_config = _strict_examples(
        {"assignee_org": "MOI", "assignee_role": "ministry", "reason": "migration is theirs"}
    )

    assignee_org: str = Field(min_length=1, max_length=200)
    assignee_role: AssigneeRole
    reason: str | None = Field(None, max_length=2000)


# ------------------------------------------------------------------ participation


class CommentCreate(_Body):
    """A comment on the circulating draft national report."""

    model_config = _strict_examples(
        {
            "text": "The section on detention omits the 2024 prison census.",
            "themes": ["Conditions of detention"],
        }
    )

    text: str = Field(min_length=1, max_length=20_000)
    themes: list[str] = Field(
        default_factory=list, max_length=50, description="what it is about (routes it)"
    )


class CommentOut(CommentReceipt):
    """The recorded comment and the ministry task it was routed to."""

    model_config = _examples(
        {
            "comment_id": "comment-0001",
            "routed_to": "MOJ",
            "task_id": "task-KE-4-draft_circulation-001-moj-comment-0001",
        }
    )


class SubmissionCreate(_Body):
    """A stakeholder submission for the national report (NHRI or CSO)."""

    model_config = _strict_examples(
        {
            "title": "Joint CSO submission on land rights",
            "joint": True,
            "signatories": ["KHRC", "Kituo cha Sheria", "FIDA Kenya"],
            "document_ref": "https://example.org/ke-upr4-land.pdf",
        }
    )

    title: str = Field(min_length=1, max_length=500)
    joint: bool = False
    signatories: list[str] = Field(default_factory=list, max_length=500)
    document_ref: str | None = Field(None, max_length=2000)


class SubmissionOut(BaseModel):
    """The recorded submission."""

    model_config = _examples(
        {
            "submission_id": "submission-KE-4-0001",
            "cycle_id": "cycle-KE-4",
            "submitter_org": "KHRC",
            "submitter_kind": "coalition",
        }
    )

    submission_id: str
    cycle_id: str
    submitter_org: str
    submitter_kind: str


#: Re-exported for the routes (kept here so the OpenAPI names stay in one module).
__all__ = [
    "AssessmentRoundIn",
    "AssigneeRole",
    "CommentCreate",
    "CommentOut",
    "CycleDetail",
    "CycleList",
    "CycleLive",
    "CycleStartIn",
    "CycleStartOut",
    "CycleSummaryOut",
    "ImportOut",
    "ProgressReportIn",
    "RecommendationList",
    "RecommendationOut",
    "RecommendationsImportIn",
    "Stage",
    "StageCloseIn",
    "StageExtendIn",
    "StageName",
    "StageOut",
    "StageRecord",
    "SubmissionCreate",
    "SubmissionOut",
    "TaskCompleteIn",
    "TaskDetail",
    "TaskExtendIn",
    "TaskItem",
    "TaskKind",
    "TaskList",
    "TaskOut",
    "TaskReassignIn",
]


class ProgressReportIn(ProgressPayload):
    """A ministry's progress report on the recommendations of its open report_progress task."""

    model_config = _examples(
        {
            "reports": [
                {
                    "recommendation_id": "KE-S35-001",
                    "status": "in_progress",
                    "summary": "The bill was tabled in the National Assembly in March.",
                }
            ]
        }
    )


class AssessmentRoundIn(IndependentAssessmentPayload):
    """The NHRI's or a CSO's assessment round of its open assess_implementation task."""

    model_config = _examples(
        {
            "assessments": [
                {
                    "recommendation_id": "KE-S35-001",
                    "status": "not_implemented",
                    "text": "No change in practice observed in the places of detention visited.",
                }
            ]
        }
    )
