"""The fold of the documents: drafts, approvals, parliament's reviews, submissions, adoption."""

from __future__ import annotations

from datetime import datetime

from uprflow.domain import events as ev
from uprflow.domain.fold.handlers import Handlers
from uprflow.domain.fold.updates import copy_model
from uprflow.domain.state import CycleState
from uprflow.domain.values import Position

#: This concern's handlers (merged by :mod:`uprflow.domain.fold.reducer`).
handlers = Handlers()


@handlers.on(ev.DraftPublished)
def _draft_published(s: CycleState, e: ev.DraftPublished, at: datetime) -> CycleState:
    return copy_model(s, {"draft_version": max(s.draft_version, e.version)})


@handlers.on(ev.DraftRevised)
def _draft_revised(s: CycleState, e: ev.DraftRevised, at: datetime) -> CycleState:
    return copy_model(s, {"draft_version": max(s.draft_version, e.version)})


@handlers.on(ev.ApprovalGiven)
def _approval(s: CycleState, e: ev.ApprovalGiven, at: datetime) -> CycleState:
    return copy_model(s, {"approvals": (*s.approvals, f"{e.document.value}:{e.step}")})


@handlers.on(ev.ParliamentReviewed)
def _parl_reviewed(s: CycleState, e: ev.ParliamentReviewed, at: datetime) -> CycleState:
    item = f"{e.document.value}:{e.committee}:{e.outcome}"
    return copy_model(s, {"parliament_reviews": (*s.parliament_reviews, item)})


def _document(s: CycleState, name: str, ref: str) -> CycleState:
    return copy_model(s, {"documents_submitted": {**s.documents_submitted, name: ref}})


@handlers.on(ev.ReportSubmitted)
def _report(s: CycleState, e: ev.ReportSubmitted, at: datetime) -> CycleState:
    return _document(s, e.document.value, e.document_ref)


@handlers.on(ev.AddendumSubmitted)
def _addendum(s: CycleState, e: ev.AddendumSubmitted, at: datetime) -> CycleState:
    return _document(s, "addendum", e.document_ref)


@handlers.on(ev.MidtermReportSubmitted)
def _midterm(s: CycleState, e: ev.MidtermReportSubmitted, at: datetime) -> CycleState:
    return _document(s, "midterm_report", e.document_ref)


@handlers.on(ev.OutcomeAdopted)
def _adopted(s: CycleState, e: ev.OutcomeAdopted, at: datetime) -> CycleState:
    # Why: a recommendation still without a decided position at adoption counts as noted.
    recs = {
        k: (
            r
            if r.position is not None
            else copy_model(
                r, {"position": Position.NOTED, "noted_by_default": True, "status": "decided"}
            )
        )
        for k, r in s.recommendations.items()
    }
    return copy_model(s, {"recommendations": recs, "outcome_adopted_on": e.adopted_on})
