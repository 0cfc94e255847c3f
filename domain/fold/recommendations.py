"""The fold of a recommendation's life: received, routed, positions, implementation."""

from __future__ import annotations

from datetime import datetime

from uprflow.domain import events as ev
from uprflow.domain.fold.handlers import Handlers
from uprflow.domain.fold.updates import copy_model, update_recommendation
from uprflow.domain.state import CycleState, RecommendationState
from uprflow.domain.values import ImplementationStatus

#: This concern's handlers (merged by :mod:`uprflow.domain.fold.reducer`).
handlers = Handlers()


@handlers.on(ev.RecommendationReceived)
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
    return copy_model(s, {"recommendations": {**s.recommendations, rec.recommendation_id: rec}})


def _later(current: str, target: str) -> str:
    order = ("received", "routed", "proposed", "assessed", "decided")
    return target if order.index(target) > order.index(current) else current


@handlers.on(ev.RecommendationRouted)
def _rec_routed(s: CycleState, e: ev.RecommendationRouted, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    status = _later(rec.status, "routed") if rec else "routed"
    return update_recommendation(
        s,
        e.recommendation_id,
        lead_ministry=e.lead_ministry,
        supporting=e.supporting,
        status=status,
    )


@handlers.on(ev.PositionProposed)
def _proposed(s: CycleState, e: ev.PositionProposed, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    status = _later(rec.status, "proposed") if rec else "proposed"
    return update_recommendation(
        s,
        e.recommendation_id,
        proposed_position=e.position,
        proposed_justification=e.justification,
        status=status,
    )


@handlers.on(ev.PositionAssessed)
def _assessed(s: CycleState, e: ev.PositionAssessed, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    status = _later(rec.status, "assessed") if rec else "assessed"
    return update_recommendation(
        s, e.recommendation_id, assessment_concurs=e.concurs, assessment_note=e.note, status=status
    )


@handlers.on(ev.PositionDecided)
def _decided(s: CycleState, e: ev.PositionDecided, at: datetime) -> CycleState:
    return update_recommendation(
        s,
        e.recommendation_id,
        position=e.position,
        justification=e.justification,
        noted_by_default=False,
        status="decided",
    )


@handlers.on(ev.ImplementationPlanned)
def _planned(s: CycleState, e: ev.ImplementationPlanned, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    status = (
        rec.implementation_status
        if rec and rec.implementation_status
        else ImplementationStatus.NOT_STARTED
    )
    return update_recommendation(
        s, e.recommendation_id, plan_id=e.plan_id, implementation_status=status
    )


@handlers.on(ev.ProgressReported)
def _progress(s: CycleState, e: ev.ProgressReported, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    count = rec.progress_reports + 1 if rec else 1
    return update_recommendation(
        s,
        e.recommendation_id,
        implementation_status=e.status,
        progress_reports=count,
        last_progress_period=e.period_end,
    )


@handlers.on(ev.AssessmentFiled)
def _assessment(s: CycleState, e: ev.AssessmentFiled, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    count = rec.independent_assessments + 1 if rec else 1
    return update_recommendation(s, e.recommendation_id, independent_assessments=count)


@handlers.on(ev.ParliamentItemResolved)
def _parl_item(s: CycleState, e: ev.ParliamentItemResolved, at: datetime) -> CycleState:
    rec = s.recommendations.get(e.recommendation_id)
    actions = (*rec.parliament_actions, e.action) if rec else (e.action,)
    return update_recommendation(s, e.recommendation_id, parliament_actions=actions)
