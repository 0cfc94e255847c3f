"""Wire models of the recommendation import and list, and the conversion from the read
model's recommendation state."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from uprflow.api.schemas.common import RequestBody, examples, strict_examples
from uprflow.api.schemas.tasks import TaskOut
from uprflow.domain.state import RecommendationState
from uprflow.domain.tasks import RecommendationIn
from uprflow.domain.values import ImplementationStatus, Position

_REC_EXAMPLE = {
    "recommendation_id": "KE-S35-001",
    "text": "Ratify the Optional Protocol to the Convention against Torture",
    "recommending_states": ["Denmark"],
    "themes": ["Torture and other CID treatment"],
    "sdgs": ["16.3"],
    "affected_persons": [],
    "source_paragraph": "A/HRC/44/9, para. 142.1",
}


class RecommendationsImportIn(RequestBody):
    """The Working Group's draft list of recommendations."""

    model_config = strict_examples({"recommendations": [_REC_EXAMPLE]})

    recommendations: list[RecommendationIn] = Field(min_length=1, max_length=10_000)


class ImportOut(BaseModel):
    """The completed import task."""

    model_config = examples(
        {"task_id": "task-KE-4-review-001-import-recommendations", "imported": 1, "task": {}}
    )

    task_id: str
    imported: int
    task: TaskOut


class RecommendationOut(BaseModel):
    """A recommendation with its routing, decided position and follow-up.

    The positions proposed and assessed on the way to the decision (the deliberation:
    ``proposed_*`` and ``assessment_*``) are internal: only the cycle's secretariat, auditors
    and the recommendation's lead ministry see them; for everyone else they are null.
    """

    model_config = examples(
        {
            "cycle_id": "cycle-KE-4",
            **_REC_EXAMPLE,
            "status": "decided",
            "lead_ministry": "MOJ",
            "supporting": ["MOI"],
            "position": "supported",
        }
    )

    recommendation_id: str
    text: str
    recommending_states: list[str] = []
    themes: list[str] = []
    sdgs: list[str] = []
    affected_persons: list[str] = []
    source_paragraph: str = ""
    status: Literal["received", "routed", "proposed", "assessed", "decided"] = "received"
    lead_ministry: str | None = None
    supporting: list[str] = []
    proposed_position: Position | None = Field(
        None, description="deliberation: the lead ministry's proposal (restricted)"
    )
    proposed_justification: str | None = Field(
        None, description="deliberation: the proposal's justification (restricted)"
    )
    assessment_concurs: bool | None = Field(
        None, description="deliberation: whether the foreign ministry concurs (restricted)"
    )
    assessment_note: str | None = Field(
        None, description="deliberation: the foreign ministry's note (restricted)"
    )
    position: Position | None = None
    justification: str | None = None
    noted_by_default: bool = False
    plan_id: str | None = None
    implementation_status: ImplementationStatus | None = None
    progress_reports: int = 0
    last_progress_period: date | None = None
    independent_assessments: int = 0
    parliament_actions: list[str] = []
    cycle_id: str


class RecommendationList(BaseModel):
    """A page of recommendations."""

    model_config = examples(
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


def recommendation_out(
    rec: RecommendationState, *, cycle_id: str, deliberation: bool = False
) -> RecommendationOut:
    """A read-model recommendation as the API shows it; the deliberation only when
    ``deliberation`` (the caller may see it)."""
    return RecommendationOut(
        recommendation_id=rec.recommendation_id,
        text=rec.text,
        recommending_states=list(rec.recommending_states),
        themes=list(rec.themes),
        sdgs=list(rec.sdgs),
        affected_persons=list(rec.affected_persons),
        source_paragraph=rec.source_paragraph,
        status=rec.status,
        lead_ministry=rec.lead_ministry,
        supporting=list(rec.supporting),
        proposed_position=rec.proposed_position if deliberation else None,
        proposed_justification=rec.proposed_justification if deliberation else None,
        assessment_concurs=rec.assessment_concurs if deliberation else None,
        assessment_note=rec.assessment_note if deliberation else None,
        position=rec.position,
        justification=rec.justification,
        noted_by_default=rec.noted_by_default,
        plan_id=rec.plan_id,
        implementation_status=rec.implementation_status,
        progress_reports=rec.progress_reports,
        last_progress_period=rec.last_progress_period,
        independent_assessments=rec.independent_assessments,
        parliament_actions=list(rec.parliament_actions),
        cycle_id=cycle_id,
    )
