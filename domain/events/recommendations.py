"""Events of a recommendation: received, routed, positions, implementation and its follow-up."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from uprflow.domain.events.base import DomainEvent, Id, Ids
from uprflow.domain.values import ImplementationStatus, Position


def _needs_justification(position: Position, justification: str | None) -> None:
    # Why: a noted (or partly noted) recommendation must say why (DESIGN §2 step 5, Peru).
    if position in (Position.NOTED, Position.SUPPORTED_IN_PART) and not (
        justification and justification.strip()
    ):
        raise ValueError(f"justification is required when the position is {position.value}")


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


#: This module's events, in catalogue order (see :mod:`uprflow.domain.events.registry`).
EVENTS: tuple[type[DomainEvent], ...] = (
    RecommendationReceived,
    RecommendationRouted,
    PositionProposed,
    PositionAssessed,
    PositionDecided,
    ImplementationPlanned,
    ProgressReported,
    AssessmentFiled,
    ParliamentItemResolved,
)
