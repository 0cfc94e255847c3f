"""Events of the national consultations: hearings, stakeholder submissions, ministries' sections."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from uprflow.domain.events.base import DomainEvent, Id, Ids


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


#: This module's events, in catalogue order (see :mod:`uprflow.domain.events.registry`).
EVENTS: tuple[type[DomainEvent], ...] = (
    HearingScheduled,
    HearingHeld,
    SubmissionReceived,
    SectionContributed,
    ConsultationHeld,
)
