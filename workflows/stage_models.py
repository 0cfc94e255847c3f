"""What crosses Temporal to and from a stage workflow: its input, result, update bodies, view.

The cycle starts each stage with a :class:`StageInput` and reads its :class:`StageResult`; the
API and CLI send :class:`CloseEarly` and :class:`ExtendDeadline` and read :class:`StageView`.
They are versionable: add fields with defaults, never rename one (histories carry them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import BaseModel, Field

from uprflow.domain.envelope import Actor
from uprflow.domain.profile import Profile
from uprflow.domain.values import Position, Stage


class RecommendationRef(BaseModel):
    """What later stages need to know about a recommendation."""

    recommendation_id: str
    themes: tuple[str, ...] = ()
    position: Position | None = None
    lead: str | None = None
    carried_from: str | None = None


class StageInput(BaseModel):
    """The input of every stage workflow (versionable: add fields with defaults)."""

    cycle_id: str
    country: str
    cycle_number: int
    review_date: date
    profile: Profile
    stage: Stage
    opens_at: datetime
    closes_at: datetime
    recommendations: list[RecommendationRef] = Field(default_factory=list)
    # Continue-as-new carry-over (follow-up): where a long stage left off.
    carry: dict[str, Any] = Field(default_factory=dict)


class StageResult(BaseModel):
    """What a stage hands back to the cycle."""

    stage: Stage
    closed_early: bool = False
    tasks_completed: int = 0
    tasks_cancelled: int = 0
    recommendations: list[RecommendationRef] = Field(default_factory=list)
    facts: dict[str, int] = Field(default_factory=dict)


class CloseEarly(BaseModel):
    """The body of a stage's ``close_early`` update."""

    actor: Actor
    reason: str = Field(min_length=1)
    request_id: str | None = None


class ExtendDeadline(BaseModel):
    """The body of a stage's ``extend_deadline`` update."""

    actor: Actor
    new_deadline: datetime
    reason: str = Field(min_length=1)
    request_id: str | None = None


class StageView(BaseModel):
    """The ``view`` query of a stage."""

    stage: Stage
    status: str
    opens_at: datetime
    deadline: datetime
    closed_early: bool
    open_tasks: list[str]
    done_tasks: int


def at_start_of(day: date) -> datetime:
    """Midnight UTC of a day: windows open and close on day boundaries."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def stage_workflow_id(cycle_id: str, stage: Stage | str) -> str:
    """``stage-KE-4-decisions`` for ``cycle-KE-4``."""
    return f"stage-{cycle_id.removeprefix('cycle-')}-{Stage(stage).value}"
