"""The event catalogue: every business fact of a UPR cycle, as a frozen pydantic model.

Names are past tense. Each class carries ``schema_version``; the registry maps the type name
(the class name) to its model, and upcasters turn payloads stored under an older schema
version into the current shape on read. Stored events are never rewritten.

Every event names its ``cycle_id`` so a whole cycle (all its streams) can be folded.
Payloads avoid floats on purpose: they are hashed as RFC 8785 canonical JSON and integers
and strings canonicalise trivially.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from uprflow.domain.values import (
    NATIONAL_REPORT_MAX_WORDS,
    Document,
    ImplementationStatus,
    Position,
    Stage,
)

Id = str
Ids = tuple[str, ...]


class DomainEvent(BaseModel):
    """Base of every event. ``schema_version`` is a class attribute, bumped on shape change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: ClassVar[int] = 1

    cycle_id: Id = Field(min_length=1, description="the UPR cycle this fact belongs to")

    @classmethod
    def type_name(cls) -> str:
        """The stored event type (the class name)."""
        return cls.__name__


def _needs_justification(position: Position, justification: str | None) -> None:
    # Why: a noted (or partly noted) recommendation must say why (DESIGN §2 step 5, Peru).
    if position in (Position.NOTED, Position.SUPPORTED_IN_PART) and not (
        justification and justification.strip()
    ):
        raise ValueError(f"justification is required when the position is {position.value}")


# ----------------------------------------------------------------- cycle and stages


class CycleStarted(DomainEvent):
    """The NMRF started a cycle for a country under a national profile."""

    country: str = Field(min_length=2, max_length=3, description="ISO 3166 code")
    cycle_number: int = Field(ge=1)
    review_date: date = Field(description="the Working Group review date")
    profile_id: Id = Field(min_length=1)


class StageOpened(DomainEvent):
    """A stage of the cycle opened, with its deadline."""

    stage: Stage
    deadline: datetime | None = None


class StageClosed(DomainEvent):
    """A stage closed, on time or early (``early``) by the NMRF."""

    stage: Stage
    early: bool = False
    reason: str | None = None


class DeadlineExtended(DomainEvent):
    """A stage deadline moved later."""

    stage: Stage
    new_deadline: datetime
    reason: str = Field(min_length=1)


class CycleCompleted(DomainEvent):
    """The cycle ended; the next one may continue it."""

    next_cycle_id: Id | None = None


# ----------------------------------------------------------------- consultations


class HearingScheduled(DomainEvent):
    """A public hearing was scheduled in a city."""

    hearing_id: Id = Field(min_length=1)
    city: str = Field(min_length=1)
    scheduled_for: datetime
    hosts: Ids = ()


class HearingHeld(DomainEvent):
    """A scheduled hearing took place."""

    hearing_id: Id = Field(min_length=1)
    participants: int = Field(ge=0)
    summary: str | None = None


class SubmissionReceived(DomainEvent):
    """A stakeholder submission (NHRI, CSO, coalition) arrived; joint ones list signatories."""

    submission_id: Id = Field(min_length=1)
    submitter_org: Id = Field(min_length=1)
    submitter_kind: Literal["nhri", "cso", "coalition", "academia", "other"]
    title: str = Field(min_length=1)
    joint: bool = False
    signatories: Ids = ()
    document_ref: str | None = None

    @model_validator(mode="after")
    def _joint_has_signatories(self) -> SubmissionReceived:
        if self.joint and len(self.signatories) < 2:
            raise ValueError("signatories: a joint submission needs at least two signatories")
        return self


class SectionContributed(DomainEvent):
    """A ministry contributed a section of the national report."""

    section_id: Id = Field(min_length=1)
    ministry: Id = Field(min_length=1)
    title: str = Field(min_length=1)
    word_count: int = Field(ge=0)
    task_id: Id | None = None


class ConsultationHeld(DomainEvent):
    """A multi-stakeholder consultation took place (follow-up, e.g. twice a year)."""

    consultation_id: Id = Field(min_length=1)
    topic: str = Field(min_length=1)
    participants: Ids = ()


# ----------------------------------------------------------------- drafts and reports


class DraftPublished(DomainEvent):
    """The draft national report was published for comment."""

    draft_id: Id = Field(min_length=1)
    version: int = Field(ge=1)
    comment_deadline: datetime
    word_count: int = Field(ge=0)


class CommentReceived(DomainEvent):
    """A comment on a draft arrived and was routed to ministries."""

    comment_id: Id = Field(min_length=1)
    draft_id: Id = Field(min_length=1)
    commenter_org: Id = Field(min_length=1)
    text: str = Field(min_length=1)
    routed_to: Ids = ()


class DraftRevised(DomainEvent):
    """A new version of a draft that addresses comments."""

    draft_id: Id = Field(min_length=1)
    version: int = Field(ge=2)
    comments_addressed: Ids = ()
    word_count: int = Field(ge=0)


class ApprovalGiven(DomainEvent):
    """One step of the approval chain approved a document."""

    document: Document
    step: str = Field(min_length=1, description="e.g. ministry:MOJ, nmrf_chair, minister")
    approver_org: Id = Field(min_length=1)


class ParliamentReviewed(DomainEvent):
    """A parliamentary committee or plenary reviewed a document."""

    document: Document
    committee: str = Field(min_length=1)
    outcome: Literal["endorsed", "amended", "commented", "declined"]
    notes: str | None = None


class ReportSubmitted(DomainEvent):
    """The national report was submitted to OHCHR (10,700 words at most)."""

    document: Literal[Document.NATIONAL_REPORT] = Document.NATIONAL_REPORT
    word_count: int = Field(ge=1)
    document_ref: str = Field(min_length=1)

    @model_validator(mode="after")
    def _word_limit(self) -> ReportSubmitted:
        if self.word_count > NATIONAL_REPORT_MAX_WORDS:
            raise ValueError(
                f"word_count: {self.word_count} exceeds the limit of {NATIONAL_REPORT_MAX_WORDS}"
            )
        return self


class MidtermReportSubmitted(DomainEvent):
    """The voluntary mid-term report was submitted."""

    document_ref: str = Field(min_length=1)
    recommendations_covered: Ids = ()


class AddendumSubmitted(DomainEvent):
    """The addendum with the State's responses was submitted."""

    document_ref: str = Field(min_length=1)
    recommendation_ids: Ids = ()


class OutcomeAdopted(DomainEvent):
    """The Human Rights Council adopted the outcome; undecided recommendations count as noted."""

    session: str = Field(min_length=1, description="HRC session, e.g. HRC52")
    adopted_on: date


# ----------------------------------------------------------------- recommendations


class RecommendationReceived(DomainEvent):
    """A recommendation from the Working Group report was imported."""

    recommendation_id: Id = Field(min_length=1)
    text: str = Field(min_length=1)
    recommending_states: Ids = Field(min_length=1)
    themes: Ids = ()
    sdgs: Ids = Field((), description="SDG goals or targets, e.g. '5', '16.3'")
    affected_persons: Ids = ()
    source_paragraph: str = Field(min_length=1, description="e.g. A/HRC/52/5 para 121.34")


class RecommendationRouted(DomainEvent):
    """A recommendation was routed to a lead ministry (and supporting ones)."""

    recommendation_id: Id = Field(min_length=1)
    lead_ministry: Id = Field(min_length=1)
    supporting: Ids = ()


class PositionProposed(DomainEvent):
    """The lead ministry proposed a position; noted (or in part) needs a justification."""

    recommendation_id: Id = Field(min_length=1)
    position: Position
    justification: str | None = None
    proposed_by: Id = Field(min_length=1)

    @model_validator(mode="after")
    def _justified(self) -> PositionProposed:
        _needs_justification(self.position, self.justification)
        return self


class PositionAssessed(DomainEvent):
    """The foreign ministry assessed a proposed position against foreign policy."""

    recommendation_id: Id = Field(min_length=1)
    assessor_org: Id = Field(min_length=1)
    concurs: bool
    note: str | None = None


class PositionDecided(DomainEvent):
    """The NMRF decided the State's position."""

    recommendation_id: Id = Field(min_length=1)
    position: Position
    justification: str | None = None
    decided_by: Id = Field(min_length=1)

    @model_validator(mode="after")
    def _justified(self) -> PositionDecided:
        _needs_justification(self.position, self.justification)
        return self


class ImplementationPlanned(DomainEvent):
    """An implementation plan (matrix row) for a supported recommendation."""

    recommendation_id: Id = Field(min_length=1)
    plan_id: Id = Field(min_length=1)
    actions: Ids = Field(min_length=1)
    indicators: Ids = ()
    responsible_body: Id = Field(min_length=1)
    partners: Ids = ()
    starts_on: date
    ends_on: date
    sdg_targets: Ids = ()
    nap_link: str | None = None

    @model_validator(mode="after")
    def _timeframe(self) -> ImplementationPlanned:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


class ProgressReported(DomainEvent):
    """A ministry reported implementation progress for a period."""

    recommendation_id: Id = Field(min_length=1)
    reporter_org: Id = Field(min_length=1)
    status: ImplementationStatus
    period_end: date
    summary: str = Field(min_length=1)


class AssessmentFiled(DomainEvent):
    """The NHRI or a CSO filed an independent assessment of a recommendation."""

    recommendation_id: Id = Field(min_length=1)
    assessor_org: Id = Field(min_length=1)
    assessor_kind: Literal["nhri", "cso", "coalition", "other"]
    status: ImplementationStatus
    text: str = Field(min_length=1)


class ParliamentItemResolved(DomainEvent):
    """Parliament acted on a recommendation needing legislation or budget."""

    recommendation_id: Id = Field(min_length=1)
    committee: str = Field(min_length=1)
    action: Literal["legislation_passed", "budget_allocated", "declined", "other"]
    reference: str | None = None


# ----------------------------------------------------------------- tasks and notices


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


class CommandRejected(DomainEvent):
    """A command was refused (invalid, unauthorised or conflicting).

    Why an event: Temporal keeps no trace of an update its validator rejects, and an auditor
    must see every refused attempt, by whom and why.
    """

    command: str = Field(min_length=1, description="e.g. POST /tasks/{task_id}/complete")
    target: str = Field(min_length=1, description="the task, stage or cycle addressed")
    status: int = Field(ge=400, le=599)
    reason: str = Field(min_length=1)


# ----------------------------------------------------------------- registry and upcasting

#: type name -> current model
EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.__name__: cls
    for cls in (
        CycleStarted, StageOpened, StageClosed, DeadlineExtended, CycleCompleted,
        HearingScheduled, HearingHeld, SubmissionReceived, SectionContributed, ConsultationHeld,
        DraftPublished, CommentReceived, DraftRevised, ApprovalGiven, ParliamentReviewed,
        ReportSubmitted, MidtermReportSubmitted, AddendumSubmitted, OutcomeAdopted,
        RecommendationReceived, RecommendationRouted, PositionProposed, PositionAssessed,
        PositionDecided, ImplementationPlanned, ProgressReported, AssessmentFiled,
        ParliamentItemResolved, TaskAssigned, TaskReminded, TaskEscalated, TaskExtended,
        TaskReassigned, TaskCompleted, TaskCancelled, NotificationDelivered, CommandRejected,
    )
}  # fmt: skip

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

#: (type name, stored schema version) -> function returning the payload at version + 1
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


class UnknownEventType(LookupError):
    """A stored event type is not in the catalogue."""


class EventSchemaError(ValueError):
    """A payload does not match its event model (or cannot be upcast)."""


def register_upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function that lifts a stored payload from ``from_version`` to the next."""

    def deco(fn: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = fn
        return fn

    return deco


def event_class(event_type: str) -> type[DomainEvent]:
    """The model for a type name, or :class:`UnknownEventType`."""
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(f"event_type: unknown event type {event_type!r}") from None


def upcast(event_type: str, schema_version: int, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Lift a stored payload to the current schema version (the stored row is untouched)."""
    target = event_class(event_type).schema_version
    data = dict(payload)
    version = schema_version
    while version < target:
        step = UPCASTERS.get((event_type, version))
        if step is None:
            raise EventSchemaError(
                f"schema_version: no upcaster for {event_type} v{version} -> v{version + 1}"
            )
        data = step(data)
        version += 1
    if version > target:
        raise EventSchemaError(
            f"schema_version: {event_type} v{schema_version} is newer than this code (v{target})"
        )
    return data


def decode_event(event_type: str, schema_version: int, payload: Mapping[str, Any]) -> DomainEvent:
    """Build the typed event from a stored payload, upcasting first."""
    cls = event_class(event_type)
    try:
        return cls.model_validate(upcast(event_type, schema_version, payload))
    except ValidationError as exc:
        raise EventSchemaError(f"{event_type}: {exc}") from exc


def encode_event(event: DomainEvent) -> tuple[str, int, dict[str, Any]]:
    """(type name, schema version, JSON-ready payload) for storing an event."""
    return type(event).type_name(), type(event).schema_version, event.model_dump(mode="json")
