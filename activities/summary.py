"""Read-side activity: a cycle's folded state, summarised for the workflows that need it
(the mid-term report is compiled from recorded progress; the next cycle inherits what is
noted or unfinished)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel
from temporalio import activity

from uprflow.activities.ports import CycleEvents
from uprflow.domain.envelope import EventEnvelope
from uprflow.domain.fold import fold
from uprflow.domain.values import ImplementationStatus, Position


class CarriedRecommendation(BaseModel):
    """A recommendation the next cycle must report on."""

    recommendation_id: str
    themes: tuple[str, ...] = ()
    position: Position | None = None
    status: ImplementationStatus | None = None


class CycleSummary(BaseModel):
    """Counts by position and implementation status, and what carries forward."""

    cycle_id: str
    events: int
    recommendations: int
    by_position: dict[str, int]
    by_status: dict[str, int]
    progress_reports: int
    independent_assessments: int
    carry_forward: list[CarriedRecommendation]

    def line(self) -> str:
        """One line for a task's context: the state of implementation."""
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.by_status.items()))
        return (
            f"{self.recommendations} recommendations; {self.progress_reports} progress reports; "
            f"status: {parts or 'none reported'}"
        )


def summarise(envelopes: Sequence[EventEnvelope], cycle_id: str) -> CycleSummary:
    """Fold the cycle's events and summarise them."""
    state = fold(envelopes, cycle_id)
    recs = state.recommendations.values()
    carry = [
        CarriedRecommendation(
            recommendation_id=r.recommendation_id,
            themes=r.themes,
            position=r.position,
            status=r.implementation_status,
        )
        for r in recs
        # Why: the next national report must answer for what was noted and for what was
        # supported but is not yet implemented.
        if r.position == Position.NOTED
        or r.implementation_status != ImplementationStatus.IMPLEMENTED
    ]
    return CycleSummary(
        cycle_id=cycle_id,
        events=len(envelopes),
        recommendations=len(state.recommendations),
        by_position=dict(Counter(r.position.value for r in recs if r.position)),
        by_status=dict(
            Counter(r.implementation_status.value for r in recs if r.implementation_status)
        ),
        progress_reports=sum(r.progress_reports for r in recs),
        independent_assessments=sum(r.independent_assessments for r in recs),
        carry_forward=carry,
    )


class SummaryActivities:
    """Summary activities bound to a reader of the ledger."""

    def __init__(self, events: CycleEvents) -> None:
        self._events = events

    @activity.defn(name="summarise_cycle")
    def summarise_cycle(self, cycle_id: str) -> CycleSummary:
        """The cycle's summary as recorded in the ledger now."""
        return summarise(self._events.read_cycle(cycle_id), cycle_id)
