"""Tasks: what a person must do in a cycle, the payload each kind of task is completed with,
and the business events a completed task records.

Pure: the task workflow validates a completion with :func:`validate_completion` in its update
validator (so a wrong payload is rejected before anything is written) and turns it into events
with :func:`completion_events`. Every kind has its own payload model; the error messages name
the field path, e.g. ``positions.3.justification``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from uprflow.domain import events as ev
from uprflow.domain.refusals import RefusedField
from uprflow.domain.values import (
    NATIONAL_REPORT_MAX_WORDS,
    Document,
    ImplementationStatus,
    Position,
)


class TaskKind(StrEnum):
    """Every kind of task a cycle assigns."""

    CONTRIBUTE_SECTION = "contribute_section"
    HOLD_HEARING = "hold_hearing"
    MAKE_SUBMISSION = "make_submission"
    ANSWER_COMMENT = "answer_comment"
    REVISE_DRAFT = "revise_draft"
    APPROVE_DOCUMENT = "approve_document"
    REVIEW_DOCUMENT = "review_document"
    SUBMIT_DOCUMENT = "submit_document"
    IMPORT_RECOMMENDATIONS = "import_recommendations"
    PROPOSE_POSITIONS = "propose_positions"
    ASSESS_POSITIONS = "assess_positions"
    DECIDE_POSITIONS = "decide_positions"
    PLAN_IMPLEMENTATION = "plan_implementation"
    REPORT_PROGRESS = "report_progress"
    ASSESS_IMPLEMENTATION = "assess_implementation"
    HOLD_CONSULTATION = "hold_consultation"
    COMPILE_MIDTERM = "compile_midterm"
    COMMENT_ON_DOCUMENT = "comment_on_document"
    RESOLVE_PARLIAMENT_ITEM = "resolve_parliament_item"


_STRICT = ConfigDict(frozen=True, extra="forbid")


class TaskContext(BaseModel):
    """What a task is about, fixed when it is assigned.

    ``subjects`` are the ids the payload must cover (recommendations, a comment, a hearing);
    ``proposals`` carries earlier positions for assessment and decision tasks.
    """

    model_config = _STRICT

    stage: str
    document: Document | None = None
    subjects: tuple[str, ...] = ()
    proposals: dict[str, Position] = {}
    plan_fields: tuple[str, ...] = ()
    period_end: date | None = None
    max_words: int = NATIONAL_REPORT_MAX_WORDS
    draft_version: int = 0
    round: int = 0
    note: str = ""


# ------------------------------------------------------------------ payloads


class SectionPayload(BaseModel):
    """A ministry's section of the national report."""

    model_config = _STRICT
    title: str = Field(min_length=1)
    word_count: int = Field(ge=1, le=NATIONAL_REPORT_MAX_WORDS)


class HearingPayload(BaseModel):
    """A public hearing was held."""

    model_config = _STRICT
    participants: int = Field(ge=0)
    summary: str = Field(min_length=1)


class SubmissionPayload(BaseModel):
    """A stakeholder submission (NHRI, CSO, coalition); joint ones list signatories."""

    model_config = _STRICT
    title: str = Field(min_length=1)
    joint: bool = False
    signatories: tuple[str, ...] = ()
    document_ref: str | None = None

    @model_validator(mode="after")
    def _joint(self) -> SubmissionPayload:
        if self.joint and len(self.signatories) < 2:
            raise ValueError("signatories: a joint submission needs at least two signatories")
        return self


class AnswerPayload(BaseModel):
    """A ministry's answer to a comment routed to it."""

    model_config = _STRICT
    answer: str = Field(min_length=1)
    integrated: bool


class RevisionPayload(BaseModel):
    """A revised draft."""

    model_config = _STRICT
    word_count: int = Field(ge=1)
    document_ref: str = Field(min_length=1)


class ApprovalPayload(BaseModel):
    """One step of an approval chain: approve, or send back with the changes wanted."""

    model_config = _STRICT
    approved: bool
    notes: str | None = None

    @model_validator(mode="after")
    def _why_not(self) -> ApprovalPayload:
        if not self.approved and not (self.notes and self.notes.strip()):
            raise ValueError("notes: say what must change when not approving")
        return self


class ReviewPayload(BaseModel):
    """Parliament's review of a document."""

    model_config = _STRICT
    outcome: Literal["endorsed", "amended", "commented", "declined"]
    notes: str | None = None


class SubmitPayload(BaseModel):
    """A document was submitted to OHCHR."""

    model_config = _STRICT
    document_ref: str = Field(min_length=1)
    word_count: int = Field(ge=1)


class RecommendationIn(BaseModel):
    """One recommendation of the Working Group's draft list."""

    model_config = _STRICT
    recommendation_id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    recommending_states: tuple[str, ...] = Field(min_length=1)
    themes: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    affected_persons: tuple[str, ...] = ()
    source_paragraph: str = Field(min_length=1)


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
    recommendation_id: str = Field(min_length=1)
    position: Position
    justification: str | None = None

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
    recommendation_id: str = Field(min_length=1)
    concurs: bool
    note: str | None = None


class AssessPositionsPayload(BaseModel):
    """Foreign-policy assessment of the proposed positions."""

    model_config = _STRICT
    assessments: tuple[AssessmentIn, ...] = Field(min_length=1)


class PlanIn(BaseModel):
    """One row of the implementation matrix."""

    model_config = _STRICT
    recommendation_id: str = Field(min_length=1)
    actions: tuple[str, ...] = Field(min_length=1)
    indicators: tuple[str, ...] = ()
    responsible_body: str = Field(min_length=1)
    partners: tuple[str, ...] = ()
    starts_on: date
    ends_on: date
    sdg_targets: tuple[str, ...] = ()
    nap_link: str | None = None

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
    recommendation_id: str = Field(min_length=1)
    status: ImplementationStatus
    summary: str = Field(min_length=1)


class ProgressPayload(BaseModel):
    """A ministry's progress report for a period."""

    model_config = _STRICT
    reports: tuple[ProgressIn, ...] = Field(min_length=1)


class IndependentAssessmentIn(BaseModel):
    """The NHRI's or a CSO's view of one recommendation's implementation."""

    model_config = _STRICT
    recommendation_id: str = Field(min_length=1)
    status: ImplementationStatus
    text: str = Field(min_length=1)


class IndependentAssessmentPayload(BaseModel):
    """An independent assessment round (NHRI or CSO)."""

    model_config = _STRICT
    assessments: tuple[IndependentAssessmentIn, ...] = Field(min_length=1)


class ConsultationPayload(BaseModel):
    """A multi-stakeholder consultation was held."""

    model_config = _STRICT
    topic: str = Field(min_length=1)
    participants: tuple[str, ...] = Field(min_length=1)


class CompilePayload(BaseModel):
    """The secretariat compiled the draft mid-term report."""

    model_config = _STRICT
    document_ref: str = Field(min_length=1)
    recommendations_covered: tuple[str, ...] = ()


class CommentPayload(BaseModel):
    """A comment on a document in a comment round (NHRI, CSO, a joint CSO response)."""

    model_config = _STRICT
    text: str = Field(min_length=1)
    joint: bool = False
    signatories: tuple[str, ...] = ()


class ParliamentItemPayload(BaseModel):
    """Parliament's action on a recommendation needing legislation or budget."""

    model_config = _STRICT
    action: Literal["legislation_passed", "budget_allocated", "declined", "other"]
    reference: str | None = None


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


class PayloadError(ValueError):
    """A completion payload does not fit its task: one :class:`RefusedField` per bad field.

    The message is ``path: reason; path: reason`` for people; callers that point at fields
    (the API's problem documents) read :attr:`fields` and never parse the message.
    """

    def __init__(self, *fields: RefusedField) -> None:
        self.fields = fields
        super().__init__(
            "; ".join(f"{f.field}: {f.message}" if f.field else f.message for f in fields)
        )


_FIELD_PREFIX = re.compile(r"^(?P<field>[A-Za-z_][\w.]*): (?P<rest>.*)$", re.DOTALL)


def _fields(exc: ValidationError) -> list[RefusedField]:
    """Each error's field path and message (a model validator's own field joins the path)."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        # Why parse here: a model validator can only say which of its fields is wrong in its
        # ValueError's text (``"justification: required ..."``); this is the one place that
        # convention is read.
        m = _FIELD_PREFIX.match(msg)
        if m:
            loc = f"{loc}.{m['field']}" if loc else m["field"]
            msg = m["rest"]
        out.append(RefusedField(loc, msg))
    return out


def _cover(field: str, ids: list[str], subjects: tuple[str, ...]) -> None:
    """The payload must speak to exactly the task's subjects, once each."""
    expected = set(subjects)
    seen: set[str] = set()
    for i, rid in enumerate(ids):
        if rid not in expected:
            raise PayloadError(
                RefusedField(f"{field}.{i}.recommendation_id", f"{rid!r} is not part of this task")
            )
        if rid in seen:
            raise PayloadError(
                RefusedField(f"{field}.{i}.recommendation_id", f"{rid!r} appears twice")
            )
        seen.add(rid)
    missing = sorted(expected - seen)
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise PayloadError(
            RefusedField(field, f"missing {len(missing)} of this task's items: {shown}")
        )


#: Payloads that answer recommendation by recommendation -> the list field holding the answers;
#: each must cover exactly the task's subjects.
_PER_RECOMMENDATION: dict[type[BaseModel], str] = {
    PositionsPayload: "positions",
    AssessPositionsPayload: "assessments",
    PlansPayload: "plans",
    ProgressPayload: "reports",
    IndependentAssessmentPayload: "assessments",
}


def validate_completion(
    kind: TaskKind | str, payload: dict[str, Any], context: TaskContext
) -> BaseModel:
    """Parse and check a completion payload for a task of ``kind``; raise :class:`PayloadError`."""
    model = PAYLOADS[TaskKind(kind)]
    try:
        parsed = model.model_validate(payload)
    except ValidationError as exc:
        raise PayloadError(*_fields(exc)) from None
    items = _PER_RECOMMENDATION.get(type(parsed))
    if items is not None:
        ids = [item.recommendation_id for item in getattr(parsed, items)]
        _cover(items, ids, context.subjects)
    match parsed:
        case PlansPayload():
            _require_plan_fields(parsed, context.plan_fields)
        case SubmitPayload() if parsed.word_count > context.max_words:
            raise PayloadError(
                RefusedField(
                    "word_count", f"{parsed.word_count} exceeds the limit of {context.max_words}"
                )
            )
        case _:
            pass
    return parsed


_PLAN_FIELD_ATTRS = {
    "indicators": "indicators",
    "partners": "partners",
    "sdg_targets": "sdg_targets",
    "nap_link": "nap_link",
}


def _require_plan_fields(payload: PlansPayload, fields: tuple[str, ...]) -> None:
    # Why: the profile decides which matrix columns are mandatory (Kenya's matrix requires
    # indicators and partners; Denmark's only action and responsible body).
    for i, plan in enumerate(payload.plans):
        for name in fields:
            attr = _PLAN_FIELD_ATTRS.get(name)
            if attr and not getattr(plan, attr):
                raise PayloadError(
                    RefusedField(f"plans.{i}.{attr}", "required by the national profile")
                )


def completion_events(
    kind: TaskKind | str,
    parsed: BaseModel,
    context: TaskContext,
    *,
    cycle_id: str,
    task_id: str,
    org: str,
    now: datetime,
) -> list[ev.DomainEvent]:
    """The business facts a completed task establishes (before its ``TaskCompleted``)."""
    c = cycle_id
    out: list[ev.DomainEvent] = []
    match parsed:
        case SectionPayload():
            out.append(
                ev.SectionContributed(
                    cycle_id=c,
                    section_id=f"section-{org}",
                    ministry=org,
                    title=parsed.title,
                    word_count=parsed.word_count,
                    task_id=task_id,
                )
            )
        case HearingPayload():
            out.append(
                ev.HearingHeld(
                    cycle_id=c,
                    hearing_id=context.subjects[0] if context.subjects else task_id,
                    participants=parsed.participants,
                    summary=parsed.summary,
                )
            )
        case SubmissionPayload():
            out.append(
                ev.SubmissionReceived(
                    cycle_id=c,
                    submission_id=f"submission-{task_id}",
                    submitter_org=org,
                    submitter_kind="coalition" if parsed.joint else _stakeholder_kind(context),
                    title=parsed.title,
                    joint=parsed.joint,
                    signatories=parsed.signatories,
                    document_ref=parsed.document_ref,
                )
            )
        case ApprovalPayload() if parsed.approved and context.document is not None:
            out.append(
                ev.ApprovalGiven(
                    cycle_id=c,
                    document=context.document,
                    step=context.note or org,
                    approver_org=org,
                )
            )
        case ReviewPayload() if context.document is not None:
            out.append(
                ev.ParliamentReviewed(
                    cycle_id=c,
                    document=context.document,
                    committee=org,
                    outcome=parsed.outcome,
                    notes=parsed.notes,
                )
            )
        case RevisionPayload():
            out.append(
                ev.DraftRevised(
                    cycle_id=c,
                    draft_id=context.note or "national-report",
                    version=max(2, context.draft_version),
                    comments_addressed=context.subjects,
                    word_count=parsed.word_count,
                )
            )
        case SubmitPayload() if context.document == Document.NATIONAL_REPORT:
            out.append(
                ev.ReportSubmitted(
                    cycle_id=c, word_count=parsed.word_count, document_ref=parsed.document_ref
                )
            )
        case SubmitPayload() if context.document == Document.ADDENDUM:
            out.append(
                ev.AddendumSubmitted(
                    cycle_id=c,
                    document_ref=parsed.document_ref,
                    recommendation_ids=context.subjects,
                )
            )
        case SubmitPayload() if context.document == Document.MIDTERM_REPORT:
            out.append(
                ev.MidtermReportSubmitted(
                    cycle_id=c,
                    document_ref=parsed.document_ref,
                    recommendations_covered=context.subjects,
                )
            )
        case ImportPayload():
            out.extend(
                ev.RecommendationReceived(cycle_id=c, **r.model_dump())
                for r in parsed.recommendations
            )
        case PositionsPayload() if kind == TaskKind.PROPOSE_POSITIONS:
            out.extend(
                ev.PositionProposed(
                    cycle_id=c,
                    recommendation_id=p.recommendation_id,
                    position=p.position,
                    justification=p.justification,
                    proposed_by=org,
                )
                for p in parsed.positions
            )
        case PositionsPayload():
            out.extend(
                ev.PositionDecided(
                    cycle_id=c,
                    recommendation_id=p.recommendation_id,
                    position=p.position,
                    justification=p.justification,
                    decided_by=org,
                )
                for p in parsed.positions
            )
        case AssessPositionsPayload():
            out.extend(
                ev.PositionAssessed(
                    cycle_id=c,
                    recommendation_id=a.recommendation_id,
                    assessor_org=org,
                    concurs=a.concurs,
                    note=a.note,
                )
                for a in parsed.assessments
            )
        case PlansPayload():
            out.extend(
                ev.ImplementationPlanned(
                    cycle_id=c,
                    plan_id=f"plan-{p.recommendation_id}",
                    **p.model_dump(),
                )
                for p in parsed.plans
            )
        case ProgressPayload():
            period_end = context.period_end or now.date()
            out.extend(
                ev.ProgressReported(
                    cycle_id=c,
                    recommendation_id=r.recommendation_id,
                    reporter_org=org,
                    status=r.status,
                    period_end=period_end,
                    summary=r.summary,
                )
                for r in parsed.reports
            )
        case IndependentAssessmentPayload():
            out.extend(
                ev.AssessmentFiled(
                    cycle_id=c,
                    recommendation_id=a.recommendation_id,
                    assessor_org=org,
                    assessor_kind=_stakeholder_kind(context),
                    status=a.status,
                    text=a.text,
                )
                for a in parsed.assessments
            )
        case CommentPayload():
            out.append(
                ev.CommentReceived(
                    cycle_id=c,
                    comment_id=f"comment-{task_id}",
                    draft_id=context.note or (context.document or Document.MIDTERM_REPORT).value,
                    commenter_org=org,
                    text=parsed.text,
                )
            )
        case ConsultationPayload():
            out.append(
                ev.ConsultationHeld(
                    cycle_id=c,
                    consultation_id=f"consultation-{task_id}",
                    topic=parsed.topic,
                    participants=parsed.participants,
                )
            )
        case ParliamentItemPayload():
            out.extend(
                ev.ParliamentItemResolved(
                    cycle_id=c,
                    recommendation_id=rid,
                    committee=org,
                    action=parsed.action,
                    reference=parsed.reference,
                )
                for rid in context.subjects
            )
        case _:
            pass
    return out


def result_ref(parsed: BaseModel) -> str | None:
    """The document a completion produced, if any (kept on ``TaskCompleted``)."""
    ref = getattr(parsed, "document_ref", None)
    return ref if isinstance(ref, str) else None


def _stakeholder_kind(context: TaskContext) -> Literal["nhri", "cso", "other"]:
    """Who submits or assesses: the stage marks NHRI and CSO tasks in ``context.note``."""
    return "nhri" if context.note == "nhri" else "cso" if context.note == "cso" else "other"
