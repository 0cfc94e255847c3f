"""The one fold: ``state = reduce(apply, envelopes, CycleState(cycle_id=...))``.

Projections, auditor replay and tests all use :func:`apply`. It is pure and total: an event
about an entity the state does not know (e.g. when replaying a single stream) only advances
the counters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from uprflow.domain import events as ev
from uprflow.domain.envelope import EventEnvelope
from uprflow.domain.state import CycleState, RecommendationState, StageState, TaskState
from uprflow.domain.values import ImplementationStatus, Position

E = TypeVar("E", bound=ev.DomainEvent)
Handler = Callable[[CycleState, Any, datetime], CycleState]
_HANDLERS: dict[type[ev.DomainEvent], Handler] = {}


def _on(cls: type[E]) -> Callable[[Callable[[CycleState, E, datetime], CycleState]], Handler]:
    def deco(fn: Callable[[CycleState, E, datetime], CycleState]) -> Handler:
        _HANDLERS[cls] = fn
        return fn

    return deco


class Stamped(Protocol):
    """What the fold reads from an envelope (an :class:`EventEnvelope` satisfies it)."""

    @property
    def position(self) -> int:
        """Global position in the ledger."""
        ...

    @property
    def occurred_at(self) -> datetime:
        """Business time of the event."""
        ...

    def event(self) -> ev.DomainEvent:
        """The decoded domain event."""
        ...


def apply(state: CycleState, envelope: Stamped, event: ev.DomainEvent | None = None) -> CycleState:
    """Apply one recorded event to a cycle state and return the new state.

    ``event`` may be passed when the caller already holds the decoded event (saves a parse).
    """
    if event is None:
        event = envelope.event()
    handler = _HANDLERS.get(type(event))
    new = handler(state, event, envelope.occurred_at) if handler else state
    counters = {
        "events_applied": new.events_applied + 1,
        "last_position": envelope.position,
        "last_occurred_at": envelope.occurred_at,
    }
    if new is state:
        return _copy(state, counters)
    # Why: ``new`` is a fresh copy made by the handler and not yet shared with anyone, so
    # setting the counters on it in place keeps apply pure while saving a second copy.
    new.__dict__.update(counters)
    return new


def fold(envelopes: Iterable[EventEnvelope], cycle_id: str) -> CycleState:
    """Fold envelopes (in position order) into the state of ``cycle_id``."""
    state = CycleState(cycle_id=cycle_id)
    for env in envelopes:
        state = apply(state, env)
    return state


# ------------------------------------------------------------------ helpers

M = TypeVar("M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def _copy(model: M, update: dict[str, Any]) -> M:
    """``model.model_copy(update=update)`` for the state models, without its overhead.

    Why: the fold copies one state object per event and pydantic's generic copy costs several
    times this. Same result (fields, fields-set); models with extras or private attributes
    take pydantic's path.
    """
    if model.__pydantic_extra__ is not None or getattr(model, "__pydantic_private__", None):
        return model.model_copy(update=update)
    m = _new(type(model))
    d = model.__dict__.copy()
    d.update(update)
    _set(m, "__dict__", d)
    _set(m, "__pydantic_extra__", None)
    fields_set = set(model.__pydantic_fields_set__)
    fields_set.update(update)
    _set(m, "__pydantic_fields_set__", fields_set)
    _set(m, "__pydantic_private__", None)
    return m


def _set_rec(state: CycleState, rec_id: str, **update: Any) -> CycleState:
    rec = state.recommendations.get(rec_id)
    if rec is None:
        return state
    recs = dict(state.recommendations)
    recs[rec_id] = _copy(rec, update)
    return _copy(state, {"recommendations": recs})


def _set_task(state: CycleState, task_id: str, **update: Any) -> CycleState:
    task = state.tasks.get(task_id)
    if task is None:
        return state
    tasks = dict(state.tasks)
    tasks[task_id] = _copy(task, update)
    return _copy(state, {"tasks": tasks})


def _set_stage(state: CycleState, stage: str, **update: Any) -> CycleState:
    current = state.stages.get(stage) or StageState(stage=stage)
    stages = dict(state.stages)
    stages[stage] = _copy(current, update)
    return _copy(state, {"stages": stages})


def _bump(state: CycleState, field: str) -> CycleState:
    return _copy(state, {field: getattr(state, field) + 1})


# ------------------------------------------------------------------ cycle and stages


@_on(ev.CycleStarted)
def _cycle_started(s: CycleState, e: ev.CycleStarted, at: datetime) -> CycleState:
    return _copy(
        s,
        {
            "status": "active",
            "country": e.country,
            "cycle_number": e.cycle_number,
            "review_date": e.review_date,
            "profile_id": e.profile_id,
            "started_at": at,
        },
    )


@_on(ev.CycleCompleted)
def _cycle_completed(s: CycleState, e: ev.CycleCompleted, at: datetime) -> CycleState:
    return _copy(s, {"status": "completed", "completed_at": at, "next_cycle_id": e.next_cycle_id})


@_on(ev.StageOpened)
def _stage_opened(s: CycleState, e: ev.StageOpened, at: datetime) -> CycleState:
    return _set_stage(
        s, e.stage.value, status="open", opened_at=at, deadline=e.deadline, closed_at=None
    )


@_on(ev.StageClosed)
def _stage_closed(s: CycleState, e: ev.StageClosed, at: datetime) -> CycleState:
    return _set_stage(s, e.stage.value, status="closed", closed_at=at, closed_early=e.early)


@_on(ev.DeadlineExtended)
def _deadline_extended(s: CycleState, e: ev.DeadlineExtended, at: datetime) -> CycleState:
    current = s.stages.get(e.stage.value)
    extensions = current.extensions + 1 if current else 1
    return _set_stage(s, e.stage.value, deadline=e.new_deadline, extensions=extensions)


# ------------------------------------------------------------------ counters and documents


@_on(ev.HearingScheduled)
def _hearing_scheduled(s: CycleState, e: ev.HearingScheduled, at: datetime) -> CycleState:
    return _bump(s, "hearings_scheduled")


@_on(ev.HearingHeld)
def _hearing_held(s: CycleState, e: ev.HearingHeld, at: datetime) -> CycleState:
    return _bump(s, "hearings_held")


@_on(ev.SubmissionReceived)
def _submission(s: CycleState, e: ev.SubmissionReceived, at: datetime) -> CycleState:
    return _bump(s, "submissions")


@_on(ev.SectionContributed)
def _section(s: CycleState, e: ev.SectionContributed, at: datetime) -> CycleState:
    return _bump(s, "sections")


@_on(ev.ConsultationHeld)
def _consultation(s: CycleState, e: ev.ConsultationHeld, at: datetime) -> CycleState:
    return _bump(s, "consultations")


@_on(ev.NotificationDelivered)
def _notified(s: CycleState, e: ev.NotificationDelivered, at: datetime) -> CycleState:
    return _bump(s, "notifications_delivered")


@_on(ev.CommentReceived)
def _comment(s: CycleState, e: ev.CommentReceived, at: datetime) -> CycleState:
    return _bump(s, "comments")


@_on(ev.DraftPublished)
def _draft_published(s: CycleState, e: ev.DraftPublished, at: datetime) -> CycleState:
    return _copy(s, {"draft_version": max(s.draft_version, e.version)})


@_on(ev.DraftRevised)
def _draft_revised(s: CycleState, e: ev.DraftRevised, at: datetime) -> CycleState:
    return _copy(s, {"draft_version": max(s.draft_version, e.version)})


@_on(ev.ApprovalGiven)
def _approval(s: CycleState, e: ev.ApprovalGiven, at: datetime) -> CycleState:
    return _copy(s, {"approvals": (*s.approvals, f"{e.document.value}:{e.step}")})


@_on(ev.ParliamentReviewed)
def _parl_reviewed(s: CycleState, e: ev.ParliamentReviewed, at: datetime) -> CycleState:
    item = f"{e.document.value}:{e.committee}:{e.outcome}"
    return _copy(s, {"parliament_reviews": (*s.parliament_reviews, item)})


def _document(s: CycleState, name: str, ref: str) -> CycleState:
    return _copy(s, {"documents_submitted": {**s.documents_submitted, name: ref}})


@_on(ev.ReportSubmitted)
def _report(s: CycleState, e: ev.ReportSubmitted, at: datetime) -> CycleState:
    return _document(s, e.document.value, e.document_ref)


@_on(ev.AddendumSubmitted)
def _addendum(s: CycleState, e: ev.AddendumSubmitted, at: datetime) -> CycleState:
    return _document(s, "addendum", e.document_ref)


@_on(ev.MidtermReportSubmitted)
def _midterm(s: CycleState, e: ev.MidtermReportSubmitted, at: datetime) -> CycleState:
    return _document(s, "midterm_report", e.document_ref)


@_on(ev.OutcomeAdopted)
def _adopted(s: CycleState, e: ev.OutcomeAdopted, at: datetime) -> CycleState:
    # Why: a recommendation still without a decided position at adoption counts as noted.
    recs = {
        k: (
            r
            if r.position is not None
            else _copy(
                r, {"position": Position.NOTED, "noted_by_default": True, "status": "decided"}
            )
        )
        for k, r in s.recommendations.items()
    }
    return _copy(s, {"recommendations": recs, "outcome_adopted_on": e.adopted_on})


# ------------------------------------------------------------------ recommendations


@_on(ev.RecommendationReceived)
def _rec_received(s: CycleState, e: ev.RecommendationReceived, at: datetime) -> CycleState:
    if e.recommendation_id in s.recommendations:
        return s
    rec = RecommendationState(
        recommendation_id=e.recommendation_id,
        text=e.text,
        recommending_states=e.recommending_states,
        themes=e.themes,
        sdgs=e.sdgs,
        affected_persons=e.affected_persons,
        source_paragraph=e.source_paragraph,
    )
    return _copy(s, {"recommendations": {**s.recommendations, rec.recommendation_id: rec}})


def _later(current: str, target: str) -> str:
    order = ("received", "routed", "proposed", "assessed", "decided")
    return target if order.index(target) > order.index(current) else current


@_on(ev.RecommendationRouted)
def _rec_routed(s: CycleState, e: ev.RecommendationRouted, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    status = _later(rec.status, "routed") if rec else "routed"
    return _set_rec(
        s,
        e.recommendation_id,
        lead_ministry=e.lead_ministry,
        supporting=e.supporting,
        status=status,
    )


@_on(ev.PositionProposed)
def _proposed(s: CycleState, e: ev.PositionProposed, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    status = _later(rec.status, "proposed") if rec else "proposed"
    return _set_rec(
        s,
        e.recommendation_id,
        proposed_position=e.position,
        proposed_justification=e.justification,
        status=status,
    )


@_on(ev.PositionAssessed)
def _assessed(s: CycleState, e: ev.PositionAssessed, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    status = _later(rec.status, "assessed") if rec else "assessed"
    return _set_rec(
        s, e.recommendation_id, assessment_concurs=e.concurs, assessment_note=e.note, status=status
    )


@_on(ev.PositionDecided)
def _decided(s: CycleState, e: ev.PositionDecided, at: datetime) -> CycleState:
    return _set_rec(
        s,
        e.recommendation_id,
        position=e.position,
        justification=e.justification,
        noted_by_default=False,
        status="decided",
    )


@_on(ev.ImplementationPlanned)
def _planned(s: CycleState, e: ev.ImplementationPlanned, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    status = (
        rec.implementation_status
        if rec and rec.implementation_status
        else ImplementationStatus.NOT_STARTED
    )
    return _set_rec(s, e.recommendation_id, plan_id=e.plan_id, implementation_status=status)


@_on(ev.ProgressReported)
def _progress(s: CycleState, e: ev.ProgressReported, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    count = rec.progress_reports + 1 if rec else 1
    return _set_rec(
        s,
        e.recommendation_id,
        implementation_status=e.status,
        progress_reports=count,
        last_progress_period=e.period_end,
    )


@_on(ev.AssessmentFiled)
def _assessment(s: CycleState, e: ev.AssessmentFiled, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    count = rec.independent_assessments + 1 if rec else 1
    return _set_rec(s, e.recommendation_id, independent_assessments=count)


@_on(ev.ParliamentItemResolved)
def _parl_item(s: CycleState, e: ev.ParliamentItemResolved, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    actions = (*rec.parliament_actions, e.action) if rec else (e.action,)
    return _set_rec(s, e.recommendation_id, parliament_actions=actions)


# ------------------------------------------------------------------ tasks


@_on(ev.TaskAssigned)
def _task_assigned(s: CycleState, e: ev.TaskAssigned, at: datetime) -> CycleState:
    task = TaskState(
        task_id=e.task_id,
        kind=e.kind,
        title=e.title,
        assignee_org=e.assignee_org,
        assignee_role=e.assignee_role,
        subject_ref=e.subject_ref,
        due_at=e.due_at,
        assigned_at=at,
    )
    return _copy(s, {"tasks": {**s.tasks, e.task_id: task}})


@_on(ev.TaskReminded)
def _task_reminded(s: CycleState, e: ev.TaskReminded, at: datetime) -> CycleState:
    task = s.tasks.get(e.task_id)
    return _set_task(s, e.task_id, reminders=task.reminders + 1) if task else s


@_on(ev.TaskEscalated)
def _task_escalated(s: CycleState, e: ev.TaskEscalated, at: datetime) -> CycleState:
    return _set_task(s, e.task_id, escalation_level=e.level, escalated_to=e.escalated_to)


@_on(ev.TaskExtended)
def _task_extended(s: CycleState, e: ev.TaskExtended, at: datetime) -> CycleState:
    return _set_task(s, e.task_id, due_at=e.new_due_at)


@_on(ev.TaskReassigned)
def _task_reassigned(s: CycleState, e: ev.TaskReassigned, at: datetime) -> CycleState:
    return _set_task(s, e.task_id, assignee_org=e.assignee_org, assignee_role=e.assignee_role)


@_on(ev.TaskCompleted)
def _task_completed(s: CycleState, e: ev.TaskCompleted, at: datetime) -> CycleState:
    return _set_task(s, e.task_id, status="completed", completed_by=e.completed_by, closed_at=at)


@_on(ev.TaskCancelled)
def _task_cancelled(s: CycleState, e: ev.TaskCancelled, at: datetime) -> CycleState:
    return _set_task(s, e.task_id, status="cancelled", closed_at=at)
