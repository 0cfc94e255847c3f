"""Events of the cycle itself and of its stages: started, opened, closed, extended, completed."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from uprflow.domain.events.base import DomainEvent, Id
from uprflow.domain.values import Stage


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


#: This module's events, in catalogue order (see :mod:`uprflow.domain.events.registry`).
EVENTS: tuple[type[DomainEvent], ...] = (
    CycleStarted,
    StageOpened,
    StageClosed,
    DeadlineExtended,
    CycleCompleted,
)
