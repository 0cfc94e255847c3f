"""The folded state of one UPR cycle: stages, recommendations with positions, tasks.

Frozen models; the fold returns new objects and reuses untouched ones, so a projector can
find what changed by identity (``old is new``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from uprflow.domain.values import ImplementationStatus, Position

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class StageState(BaseModel):
    """One stage of the cycle."""

    model_config = _FROZEN

    stage: str
    status: Literal["open", "closed"] = "open"
    opened_at: datetime | None = None
    deadline: datetime | None = None
    closed_at: datetime | None = None
    closed_early: bool = False
    extensions: int = 0


class RecommendationState(BaseModel):
    """A recommendation with its routing, positions and follow-up."""

    model_config = _FROZEN

    recommendation_id: str
    text: str
    recommending_states: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    affected_persons: tuple[str, ...] = ()
    source_paragraph: str = ""
    status: Literal["received", "routed", "proposed", "assessed", "decided"] = "received"
    lead_ministry: str | None = None
    supporting: tuple[str, ...] = ()
    proposed_position: Position | None = None
    proposed_justification: str | None = None
    assessment_concurs: bool | None = None
    assessment_note: str | None = None
    position: Position | None = None
    justification: str | None = None
    noted_by_default: bool = False
    plan_id: str | None = None
    implementation_status: ImplementationStatus | None = None
    progress_reports: int = 0
    last_progress_period: date | None = None
    independent_assessments: int = 0
    parliament_actions: tuple[str, ...] = ()


class TaskState(BaseModel):
    """A task assigned to an organisation."""

    model_config = _FROZEN

    task_id: str
    kind: str
    title: str
    assignee_org: str
    assignee_role: str
    subject_ref: str | None = None
    due_at: datetime
    status: Literal["open", "completed", "cancelled"] = "open"
    assigned_at: datetime | None = None
    reminders: int = 0
    escalation_level: int = 0
    escalated_to: str | None = None
    completed_by: str | None = None
    closed_at: datetime | None = None


class CycleState(BaseModel):
    """Everything known about one cycle after folding its events."""

    model_config = _FROZEN

    cycle_id: str
    status: Literal["not_started", "active", "completed"] = "not_started"
    country: str | None = None
    cycle_number: int | None = None
    review_date: date | None = None
    profile_id: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    next_cycle_id: str | None = None
    stages: dict[str, StageState] = {}
    recommendations: dict[str, RecommendationState] = {}
    tasks: dict[str, TaskState] = {}
    hearings_scheduled: int = 0
    hearings_held: int = 0
    submissions: int = 0
    sections: int = 0
    draft_version: int = 0
    comments: int = 0
    approvals: tuple[str, ...] = ()
    parliament_reviews: tuple[str, ...] = ()
    documents_submitted: dict[str, str] = {}
    outcome_adopted_on: date | None = None
    consultations: int = 0
    notifications_delivered: int = 0
    events_applied: int = 0
    last_position: int = 0
    last_occurred_at: datetime | None = None
