"""The fold of the cycle's own events and of its stages."""

from __future__ import annotations

from datetime import datetime

from uprflow.domain import events as ev
from uprflow.domain.fold.handlers import Handlers
from uprflow.domain.fold.updates import copy_model, update_stage
from uprflow.domain.state import CycleState

#: This concern's handlers (merged by :mod:`uprflow.domain.fold.reducer`).
handlers = Handlers()


@handlers.on(ev.CycleStarted)
def _cycle_started(s: CycleState, e: ev.CycleStarted, at: datetime) -> CycleState:
    return copy_model(
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


@handlers.on(ev.CycleCompleted)
def _cycle_completed(s: CycleState, e: ev.CycleCompleted, at: datetime) -> CycleState:
    return copy_model(
        s, {"status": "completed", "completed_at": at, "next_cycle_id": e.next_cycle_id}
    )


@handlers.on(ev.StageOpened)
def _stage_opened(s: CycleState, e: ev.StageOpened, at: datetime) -> CycleState:
    return update_stage(
        s, e.stage.value, status="open", opened_at=at, deadline=e.deadline, closed_at=None
    )


@handlers.on(ev.StageClosed)
def _stage_closed(s: CycleState, e: ev.StageClosed, at: datetime) -> CycleState:
    return update_stage(s, e.stage.value, status="closed", closed_at=at, closed_early=e.early)


@handlers.on(ev.DeadlineExtended)
def _deadline_extended(s: CycleState, e: ev.DeadlineExtended, at: datetime) -> CycleState:
    current = s.stages.get(e.stage.value)
    extensions = current.extensions + 1 if current else 1
    return update_stage(s, e.stage.value, deadline=e.new_deadline, extensions=extensions)
