"""The fold of events the cycle only counts: hearings, submissions, sections, comments, notices."""

from __future__ import annotations

from datetime import datetime

from uprflow.domain import events as ev
from uprflow.domain.fold.handlers import Handlers
from uprflow.domain.fold.updates import increment
from uprflow.domain.state import CycleState

#: This concern's handlers (merged by :mod:`uprflow.domain.fold.reducer`).
handlers = Handlers()


@handlers.on(ev.HearingScheduled)
def _hearing_scheduled(s: CycleState, e: ev.HearingScheduled, at: datetime) -> CycleState:
    return increment(s, "hearings_scheduled")


@handlers.on(ev.HearingHeld)
def _hearing_held(s: CycleState, e: ev.HearingHeld, at: datetime) -> CycleState:
    return increment(s, "hearings_held")


@handlers.on(ev.SubmissionReceived)
def _submission(s: CycleState, e: ev.SubmissionReceived, at: datetime) -> CycleState:
    return increment(s, "submissions")


@handlers.on(ev.SectionContributed)
def _section(s: CycleState, e: ev.SectionContributed, at: datetime) -> CycleState:
    return increment(s, "sections")


@handlers.on(ev.ConsultationHeld)
def _consultation(s: CycleState, e: ev.ConsultationHeld, at: datetime) -> CycleState:
    return increment(s, "consultations")


@handlers.on(ev.NotificationDelivered)
def _notified(s: CycleState, e: ev.NotificationDelivered, at: datetime) -> CycleState:
    return increment(s, "notifications_delivered")


@handlers.on(ev.CommentReceived)
def _comment(s: CycleState, e: ev.CommentReceived, at: datetime) -> CycleState:
    return increment(s, "comments")
