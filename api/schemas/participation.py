"""Wire models of taking part in open windows: comments, submissions, progress reports and
independent assessments, and the conversions from the stage workflows' receipts."""

from __future__ import annotations

from pydantic import BaseModel, Field

from uprflow.api.schemas.common import RequestBody, examples, strict_examples
from uprflow.domain.tasks import IndependentAssessmentPayload, ProgressPayload
from uprflow.domain.text import LongText, ShortText
from uprflow.workflows.consultation import SubmissionReceipt
from uprflow.workflows.draft_circulation import CommentReceipt


class CommentCreate(RequestBody):
    """A comment on the circulating draft national report."""

    model_config = strict_examples(
        {
            "text": "The section on detention omits the 2024 prison census.",
            "themes": ["Conditions of detention"],
        }
    )

    text: LongText = Field(min_length=1, max_length=20_000)
    themes: list[ShortText] = Field(
        default_factory=list, max_length=50, description="what it is about (routes it)"
    )


class CommentOut(BaseModel):
    """The recorded comment and the ministry task it was routed to."""

    model_config = examples(
        {
            "comment_id": "comment-0001",
            "routed_to": "MOJ",
            "task_id": "task-KE-4-draft_circulation-001-moj-comment-0001",
        }
    )

    comment_id: str
    routed_to: str
    task_id: str


class SubmissionCreate(RequestBody):
    """A stakeholder submission for the national report (NHRI or CSO)."""

    model_config = strict_examples(
        {
            "title": "Joint CSO submission on land rights",
            "joint": True,
            "signatories": ["KHRC", "Kituo cha Sheria", "FIDA Kenya"],
            "document_ref": "https://example.org/ke-upr4-land.pdf",
        }
    )

    title: ShortText = Field(min_length=1, max_length=500)
    joint: bool = False
    signatories: list[ShortText] = Field(default_factory=list, max_length=500)
    document_ref: LongText | None = Field(None, max_length=2000)


class SubmissionOut(BaseModel):
    """The recorded submission."""

    model_config = examples(
        {
            "submission_id": "submission-KE-4-0001",
            "cycle_id": "cycle-KE-4",
            "submitter_org": "KHRC",
            "submitter_kind": "coalition",
        }
    )

    submission_id: str
    cycle_id: str
    submitter_org: str
    submitter_kind: str


class ProgressReportIn(ProgressPayload):
    """A ministry's progress report on the recommendations of its open report_progress task."""

    model_config = examples(
        {
            "reports": [
                {
                    "recommendation_id": "KE-S35-001",
                    "status": "in_progress",
                    "summary": "The bill was tabled in the National Assembly in March.",
                }
            ]
        }
    )


class AssessmentRoundIn(IndependentAssessmentPayload):
    """The NHRI's or a CSO's assessment round of its open assess_implementation task."""

    model_config = examples(
        {
            "assessments": [
                {
                    "recommendation_id": "KE-S35-001",
                    "status": "not_implemented",
                    "text": "No change in practice observed in the places of detention visited.",
                }
            ]
        }
    )


def comment_out(receipt: CommentReceipt) -> CommentOut:
    """The draft circulation stage's receipt for a comment, as the API answers it."""
    return CommentOut(
        comment_id=receipt.comment_id, routed_to=receipt.routed_to, task_id=receipt.task_id
    )


def submission_out(receipt: SubmissionReceipt, *, cycle_id: str) -> SubmissionOut:
    """The consultation stage's receipt for a submission, as the API answers it."""
    return SubmissionOut(
        submission_id=receipt.submission_id,
        cycle_id=cycle_id,
        submitter_org=receipt.submitter_org,
        submitter_kind=receipt.submitter_kind,
    )
