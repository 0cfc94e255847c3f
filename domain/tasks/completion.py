"""The business events a completed task records (before its ``TaskCompleted``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from uprflow.domain import events as ev
from uprflow.domain.tasks.context import TaskContext
from uprflow.domain.tasks.kinds import TaskKind
from uprflow.domain.tasks.payloads import (
    ApprovalPayload,
    AssessPositionsPayload,
    CommentPayload,
    ConsultationPayload,
    HearingPayload,
    ImportPayload,
    IndependentAssessmentPayload,
    ParliamentItemPayload,
    PlansPayload,
    PositionsPayload,
    ProgressPayload,
    ReviewPayload,
    RevisionPayload,
    SectionPayload,
    SubmissionPayload,
    SubmitPayload,
)
from uprflow.domain.values import Document


def completion_events(
    kind: TaskKind | str,
    parsed: BaseModel,
    context: TaskContext,
    *,
    cycle_id: str,
    task_id: str,
    org: str,
    now: datetime,
) -> list[ev.DomainEvent]:
    """The business facts a completed task establishes (before its ``TaskCompleted``)."""
    c = cycle_id
    out: list[ev.DomainEvent] = []
    match parsed:
        case SectionPayload():
            out.append(
                ev.SectionContributed(
                    cycle_id=c,
                    section_id=f"section-{org}",
                    ministry=org,
                    title=parsed.title,
                    word_count=parsed.word_count,
                    task_id=task_id,
                )
            )
        case HearingPayload():
            out.append(
                ev.HearingHeld(
                    cycle_id=c,
                    hearing_id=context.subjects[0] if context.subjects else task_id,
                    participants=parsed.participants,
                    summary=parsed.summary,
                )
            )
        case SubmissionPayload():
            out.append(
                ev.SubmissionReceived(
                    cycle_id=c,
                    submission_id=f"submission-{task_id}",
                    submitter_org=org,
                    submitter_kind="coalition" if parsed.joint else _stakeholder_kind(context),
                    title=parsed.title,
                    joint=parsed.joint,
                    signatories=parsed.signatories,
                    document_ref=parsed.document_ref,
                )
            )
        case ApprovalPayload() if parsed.approved and context.document is not None:
            out.append(
                ev.ApprovalGiven(
                    cycle_id=c,
                    document=context.document,
                    step=context.note or org,
                    approver_org=org,
                )
            )
        case ReviewPayload() if context.document is not None:
            out.append(
                ev.ParliamentReviewed(
                    cycle_id=c,
                    document=context.document,
                    committee=org,
                    outcome=parsed.outcome,
                    notes=parsed.notes,
                )
            )
        case RevisionPayload():
            out.append(
                ev.DraftRevised(
                    cycle_id=c,
                    draft_id=context.note or "national-report",
                    version=max(2, context.draft_version),
                    comments_addressed=context.subjects,
                    word_count=parsed.word_count,
                )
            )
        case SubmitPayload() if context.document == Document.NATIONAL_REPORT:
            out.append(
                ev.ReportSubmitted(
                    cycle_id=c, word_count=parsed.word_count, document_ref=parsed.document_ref
                )
            )
        case SubmitPayload() if context.document == Document.ADDENDUM:
            out.append(
                ev.AddendumSubmitted(
                    cycle_id=c,
                    document_ref=parsed.document_ref,
                    recommendation_ids=context.subjects,
                )
            )
        case SubmitPayload() if context.document == Document.MIDTERM_REPORT:
            out.append(
                ev.MidtermReportSubmitted(
                    cycle_id=c,
                    document_ref=parsed.document_ref,
                    recommendations_covered=context.subjects,
                )
            )
        case ImportPayload():
            out.extend(
                ev.RecommendationReceived(cycle_id=c, **r.model_dump())
                for r in parsed.recommendations
            )
        case PositionsPayload() if kind == TaskKind.PROPOSE_POSITIONS:
            out.extend(
                ev.PositionProposed(
                    cycle_id=c,
                    recommendation_id=p.recommendation_id,
                    position=p.position,
                    justification=p.justification,
                    proposed_by=org,
                )
                for p in parsed.positions
            )
        case PositionsPayload():
            out.extend(
                ev.PositionDecided(
                    cycle_id=c,
                    recommendation_id=p.recommendation_id,
                    position=p.position,
                    justification=p.justification,
                    decided_by=org,
                )
                for p in parsed.positions
            )
        case AssessPositionsPayload():
            out.extend(
                ev.PositionAssessed(
                    cycle_id=c,
                    recommendation_id=a.recommendation_id,
                    assessor_org=org,
                    concurs=a.concurs,
                    note=a.note,
                )
                for a in parsed.assessments
            )
        case PlansPayload():
            out.extend(
                ev.ImplementationPlanned(
                    cycle_id=c,
                    plan_id=f"plan-{p.recommendation_id}",
                    **p.model_dump(),
                )
                for p in parsed.plans
            )
        case ProgressPayload():
            period_end = context.period_end or now.date()
            out.extend(
                ev.ProgressReported(
                    cycle_id=c,
                    recommendation_id=r.recommendation_id,
                    reporter_org=org,
                    status=r.status,
                    period_end=period_end,
                    summary=r.summary,
                )
                for r in parsed.reports
            )
        case IndependentAssessmentPayload():
            out.extend(
                ev.AssessmentFiled(
                    cycle_id=c,
                    recommendation_id=a.recommendation_id,
                    assessor_org=org,
                    assessor_kind=_stakeholder_kind(context),
                    status=a.status,
                    text=a.text,
                )
                for a in parsed.assessments
            )
        case CommentPayload():
            out.append(
                ev.CommentReceived(
                    cycle_id=c,
                    comment_id=f"comment-{task_id}",
                    draft_id=context.note or (context.document or Document.MIDTERM_REPORT).value,
                    commenter_org=org,
                    text=parsed.text,
                )
            )
        case ConsultationPayload():
            out.append(
                ev.ConsultationHeld(
                    cycle_id=c,
                    consultation_id=f"consultation-{task_id}",
                    topic=parsed.topic,
                    participants=parsed.participants,
                )
            )
        case ParliamentItemPayload():
            out.extend(
                ev.ParliamentItemResolved(
                    cycle_id=c,
                    recommendation_id=rid,
                    committee=org,
                    action=parsed.action,
                    reference=parsed.reference,
                )
                for rid in context.subjects
            )
        case _:
            pass
    return out


def result_ref(parsed: BaseModel) -> str | None:
    """The document a completion produced, if any (kept on ``TaskCompleted``)."""
    ref = getattr(parsed, "document_ref", None)
    return ref if isinstance(ref, str) else None


def _stakeholder_kind(context: TaskContext) -> Literal["nhri", "cso", "other"]:
    """Who submits or assesses: the stage marks NHRI and CSO tasks in ``context.note``."""
    return "nhri" if context.note == "nhri" else "cso" if context.note == "cso" else "other"
