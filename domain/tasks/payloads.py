"""The payload each kind of task is completed with: one strict model per kind.

A model validator that finds one of its fields wrong says so by starting its message with the
field's name (``"justification: required ..."``); :mod:`~.validation` turns that into the
field path. Every text is a :mod:`~uprflow.domain.text` type (bounded, no control characters):
these are input models, the stored events are not constrained by them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from uprflow.domain.tasks.kinds import TaskKind
from uprflow.domain.text import LongText, ShortText
from uprflow.domain.values import NATIONAL_REPORT_MAX_WORDS, ImplementationStatus, Position

_STRICT = ConfigDict(frozen=True, extra="forbid")


class SectionPayload(BaseModel):
    """A ministry's section of the national report."""

    model_config = _STRICT
    title: ShortText = Field(min_length=1)
    word_count: int = Field(ge=1, le=NATIONAL_REPORT_MAX_WORDS)


class HearingPayload(BaseModel):
    """A public hearing was held."""

    model_config = _STRICT
    participants: int = Field(ge=0)
    summary: LongText = Field(min_length=1)


class SubmissionPayload(BaseModel):
    """A stakeholder submission (NHRI, CSO, coalition); joint ones list signatories."""

    model_config = _STRICT
    title: ShortText = Field(min_length=1)
    joint: bool = False
    signatories: tuple[ShortText, ...] = ()
    document_ref: ShortText | None = None

    @model_validator(mode="after")
    def _joint(self) -> SubmissionPayload:
        if self.joint and len(self.signatories) < 2:
            raise ValueError("signatories: a joint submission needs at least two signatories")
        return self


class AnswerPayload(BaseModel):
    """A ministry's answer to a comment routed to it."""

    model_config = _STRICT
    answer: LongText = Field(min_length=1)
    integrated: bool


class RevisionPayload(BaseModel):
    """A revised draft."""

    model_config = _STRICT
    word_count: int = Field(ge=1)
    document_ref: ShortText = Field(min_length=1)


class ApprovalPayload(BaseModel):
    """One step of an approval chain: approve, or send back with the changes wanted."""

    model_config = _STRICT
    approved: bool
    notes: LongText | None = None

    @model_validator(mode="after")
    def _why_not(self) -> ApprovalPayload:
        if not self.approved and not (self.notes and self.notes.strip()):
            raise ValueError("notes: say what must change when not approving")
        return self


class ReviewPayload(BaseModel):
    """Parliament's review of a document."""

    model_config = _STRICT
    outcome: Literal["endorsed", "amended", "commented", "declined"]
    notes: LongText | None = None


class SubmitPayload(BaseModel):
    """A document was submitted to OHCHR."""

    model_config = _STRICT
    document_ref: ShortText = Field(min_length=1)
    word_count: int = Field(ge=1)


class RecommendationIn(BaseModel):
    """One recommendation of the Working Group's draft list."""

    model_config = _STRICT
    recommendation_id: ShortText = Field(min_length=1)
    text: LongText = Field(min_length=1)
    recommending_states: tuple[ShortText, ...] = Field(min_length=1)
    themes: tuple[ShortText, ...] = ()
    sdgs: tuple[ShortText, ...] = ()
    affected_persons: tuple[ShortText, ...] = ()
    source_paragraph: ShortText = Field(min_length=1)


class ImportPayload(BaseModel):
    """The draft list of recommendations, imported by the secretariat."""

    model_config = _STRICT
    recommendations: tuple[RecommendationIn, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ImportPayload:
        seen: set[str] = set()
        for i, rec in enumerate(self.recommendations):
            if rec.recommendation_id in seen:
                raise ValueError(
                    f"recommendations.{i}.recommendation_id: duplicate {rec.recommendation_id!r}"
                )
            seen.add(rec.recommendation_id)
        return self


class PositionIn(BaseModel):
    """A position on one recommendation; noted (or in part) needs a justification."""

    model_config = _STRICT
    recommendation_id: ShortText = Field(min_length=1)
    position: Position
    justification: LongText | None = None

    @model_validator(mode="after")
    def _justified(self) -> PositionIn:
        if self.position != Position.SUPPORTED and not (
            self.justification and self.justification.strip()
        ):
            raise ValueError(f"justification: required when the position is {self.position}")
        return self


class PositionsPayload(BaseModel):
    """Positions for every recommendation of the task (proposal or decision)."""

    model_config = _STRICT
    positions: tuple[PositionIn, ...] = Field(min_length=1)


class AssessmentIn(BaseModel):
    """The foreign ministry's view on one proposed position."""

    model_config = _STRICT
    recommendation_id: ShortText = Field(min_length=1)
    concurs: bool
    note: LongText | None = None


class AssessPositionsPayload(BaseModel):
    """Foreign-policy assessment of the proposed positions."""

    model_config = _STRICT
    assessments: tuple[AssessmentIn, ...] = Field(min_length=1)


class PlanIn(BaseModel):
    """One row of the implementation matrix."""

    model_config = _STRICT
    recommendation_id: ShortText = Field(min_length=1)
    actions: tuple[LongText, ...] = Field(min_length=1)
    indicators: tuple[ShortText, ...] = ()
    responsible_body: ShortText = Field(min_length=1)
    partners: tuple[ShortText, ...] = ()
    starts_on: date
    ends_on: date
    sdg_targets: tuple[ShortText, ...] = ()
    nap_link: ShortText | None = None

    @model_validator(mode="after")
    def _timeframe(self) -> PlanIn:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on: must not be before starts_on")
        return self


class PlansPayload(BaseModel):
    """Implementation plans for the ministry's supported recommendations."""

    model_config = _STRICT
    plans: tuple[PlanIn, ...] = Field(min_length=1)


class ProgressIn(BaseModel):
    """Progress on one recommendation in a reporting period."""

    model_config = _STRICT
    recommendation_id: ShortText = Field(min_length=1)
    status: ImplementationStatus
    summary: LongText = Field(min_length=1)


class ProgressPayload(BaseModel):
    """A ministry's progress report for a period."""

    model_config = _STRICT
    reports: tuple[ProgressIn, ...] = Field(min_length=1)


class IndependentAssessmentIn(BaseModel):
    """The NHRI's or a CSO's view of one recommendation's implementation."""

    model_config = _STRICT
    recommendation_id: ShortText = Field(min_length=1)
    status: ImplementationStatus
    text: LongText = Field(min_length=1)


class IndependentAssessmentPayload(BaseModel):
    """An independent assessment round (NHRI or CSO)."""

    model_config = _STRICT
    assessments: tuple[IndependentAssessmentIn, ...] = Field(min_length=1)


class ConsultationPayload(BaseModel):
    """A multi-stakeholder consultation was held."""

    model_config = _STRICT
    topic: ShortText = Field(min_length=1)
    participants: tuple[ShortText, ...] = Field(min_length=1)


class CompilePayload(BaseModel):
    """The secretariat compiled the draft mid-term report."""

    model_config = _STRICT
    document_ref: ShortText = Field(min_length=1)
    recommendations_covered: tuple[ShortText, ...] = ()


class CommentPayload(BaseModel):
    """A comment on a document in a comment round (NHRI, CSO, a joint CSO response)."""

    model_config = _STRICT
    text: LongText = Field(min_length=1)
    joint: bool = False
    signatories: tuple[ShortText, ...] = ()


class ParliamentItemPayload(BaseModel):
    """Parliament's action on a recommendation needing legislation or budget."""

    model_config = _STRICT
    action: Literal["legislation_passed", "budget_allocated", "declined", "other"]
    reference: ShortText | None = None


PAYLOADS: dict[TaskKind, type[BaseModel]] = {
    TaskKind.CONTRIBUTE_SECTION: SectionPayload,
    TaskKind.HOLD_HEARING: HearingPayload,
    TaskKind.MAKE_SUBMISSION: SubmissionPayload,
    TaskKind.ANSWER_COMMENT: AnswerPayload,
    TaskKind.REVISE_DRAFT: RevisionPayload,
    TaskKind.APPROVE_DOCUMENT: ApprovalPayload,
    TaskKind.REVIEW_DOCUMENT: ReviewPayload,
    TaskKind.SUBMIT_DOCUMENT: SubmitPayload,
    TaskKind.IMPORT_RECOMMENDATIONS: ImportPayload,
    TaskKind.PROPOSE_POSITIONS: PositionsPayload,
    TaskKind.ASSESS_POSITIONS: AssessPositionsPayload,
    TaskKind.DECIDE_POSITIONS: PositionsPayload,
    TaskKind.PLAN_IMPLEMENTATION: PlansPayload,
    TaskKind.REPORT_PROGRESS: ProgressPayload,
    TaskKind.ASSESS_IMPLEMENTATION: IndependentAssessmentPayload,
    TaskKind.HOLD_CONSULTATION: ConsultationPayload,
    TaskKind.COMPILE_MIDTERM: CompilePayload,
    TaskKind.COMMENT_ON_DOCUMENT: CommentPayload,
    TaskKind.RESOLVE_PARLIAMENT_ITEM: ParliamentItemPayload,
}
