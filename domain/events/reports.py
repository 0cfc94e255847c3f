"""Events of the documents: drafts and comments, approvals, parliament's reviews, submissions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, model_validator

from uprflow.domain.events.base import DomainEvent, Id, Ids
from uprflow.domain.values import NATIONAL_REPORT_MAX_WORDS, Document


class DraftPublished(DomainEvent):
    """The draft national report was published for comment."""

    draft_id: Id = Field(min_length=1)
    version: int = Field(ge=1)
    comment_deadline: datetime
    word_count: int = Field(ge=0)


class CommentReceived(DomainEvent):
    """A comment on a draft arrived and was routed to ministries."""

    comment_id: Id = Field(min_length=1)
    draft_id: Id = Field(min_length=1)
    commenter_org: Id = Field(min_length=1)
    text: str = Field(min_length=1)
    routed_to: Ids = ()


class DraftRevised(DomainEvent):
    """A new version of a draft that addresses comments."""

    draft_id: Id = Field(min_length=1)
    version: int = Field(ge=2)
    comments_addressed: Ids = ()
    word_count: int = Field(ge=0)


class ApprovalGiven(DomainEvent):
    """One step of the approval chain approved a document."""

    document: Document
    step: str = Field(min_length=1, description="e.g. ministry:MOJ, nmrf_chair, minister")
    approver_org: Id = Field(min_length=1)


class ParliamentReviewed(DomainEvent):
    """A parliamentary committee or plenary reviewed a document."""

    document: Document
    committee: str = Field(min_length=1)
    outcome: Literal["endorsed", "amended", "commented", "declined"]
    notes: str | None = None


class ReportSubmitted(DomainEvent):
    """The national report was submitted to OHCHR (10,700 words at most)."""

    document: Literal[Document.NATIONAL_REPORT] = Document.NATIONAL_REPORT
    word_count: int = Field(ge=1)
    document_ref: str = Field(min_length=1)

    @model_validator(mode="after")
    def _word_limit(self) -> ReportSubmitted:
        if self.word_count > NATIONAL_REPORT_MAX_WORDS:
            raise ValueError(
                f"word_count: {self.word_count} exceeds the limit of {NATIONAL_REPORT_MAX_WORDS}"
            )
        return self


class MidtermReportSubmitted(DomainEvent):
    """The voluntary mid-term report was submitted."""

    document_ref: str = Field(min_length=1)
    recommendations_covered: Ids = ()


class AddendumSubmitted(DomainEvent):
    """The addendum with the State's responses was submitted."""

    document_ref: str = Field(min_length=1)
    recommendation_ids: Ids = ()


class OutcomeAdopted(DomainEvent):
    """The Human Rights Council adopted the outcome; undecided recommendations count as noted."""

    session: str = Field(min_length=1, description="HRC session, e.g. HRC52")
    adopted_on: date


#: This module's events, in catalogue order (see :mod:`uprflow.domain.events.registry`).
EVENTS: tuple[type[DomainEvent], ...] = (
    DraftPublished,
    CommentReceived,
    DraftRevised,
    ApprovalGiven,
    ParliamentReviewed,
    ReportSubmitted,
    MidtermReportSubmitted,
    AddendumSubmitted,
    OutcomeAdopted,
)
