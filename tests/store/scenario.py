"""Helpers for the store tests: events of a small but complete UPR cycle."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

from uprflow.domain import events as ev
from uprflow.domain.envelope import Actor, NewEvent, Trace
from uprflow.domain.values import ImplementationStatus, Position, Stage

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NMRF = Actor(role="nmrf", organisation="MFA", subject="user-1")
MOJ = Actor(role="ministry", organisation="MOJ", subject="token-7")


def new(event: ev.DomainEvent, at: datetime = T0, actor: Actor = NMRF) -> NewEvent:
    """Wrap a domain event with fresh envelope metadata."""
    return NewEvent(
        event=event,
        event_id=uuid.uuid4(),
        occurred_at=at,
        actor=actor,
        trace=Trace(workflow_id="cycle-DK-4", run_id="run-1", request_id=str(uuid.uuid4())),
    )


def notice(cycle: str, n: int) -> ev.NotificationDelivered:
    """A cheap event for volume tests."""
    return ev.NotificationDelivered(
        cycle_id=cycle,
        notification_id=f"n-{n}",
        recipient="a@example.org",
        channel="email",
        template="reminder",
    )


def cycle_script(cycle: str = "DK-4") -> list[tuple[str, NewEvent]]:
    """(stream id, event) pairs covering stages, recommendations, positions and tasks."""
    plus2 = timezone(timedelta(hours=2))
    at = [T0 + timedelta(days=i) for i in range(40)]
    cs = f"cycle-{cycle}"
    out: list[tuple[str, ev.DomainEvent, datetime, Actor]] = [
        (
            cs,
            ev.CycleStarted(
                cycle_id=cycle,
                country="DK",
                cycle_number=4,
                review_date=date(2027, 1, 20),
                profile_id="dk",
            ),
            at[0],
            NMRF,
        ),
        (
            cs,
            ev.StageOpened(cycle_id=cycle, stage=Stage.CONSULTATION, deadline=at[10]),
            at[0],
            NMRF,
        ),
        (
            cs,
            ev.HearingScheduled(
                cycle_id=cycle,
                hearing_id="h1",
                city="Aarhus",
                scheduled_for=at[3],
                hosts=("NHRI-DK",),
            ),
            at[1],
            NMRF,
        ),
        (cs, ev.HearingHeld(cycle_id=cycle, hearing_id="h1", participants=40), at[3], NMRF),
        (
            cs,
            ev.SubmissionReceived(
                cycle_id=cycle,
                submission_id="s1",
                submitter_org="CSO-A",
                submitter_kind="coalition",
                title="Joint",
                joint=True,
                signatories=("CSO-A", "CSO-B"),
            ),
            at[4],
            NMRF,
        ),
        (
            cs,
            ev.DeadlineExtended(
                cycle_id=cycle, stage=Stage.CONSULTATION, new_deadline=at[12], reason="late hearing"
            ),
            at[5],
            NMRF,
        ),
        (cs, ev.StageClosed(cycle_id=cycle, stage=Stage.CONSULTATION, early=True), at[6], NMRF),
        (
            "task-t1",
            ev.TaskAssigned(
                cycle_id=cycle,
                task_id="t1",
                kind="contribute_section",
                title="Section on justice",
                assignee_org="MOJ",
                assignee_role="ministry",
                due_at=datetime(2026, 3, 20, 17, 0, tzinfo=plus2),
            ),
            at[6],
            NMRF,
        ),
        ("task-t1", ev.TaskReminded(cycle_id=cycle, task_id="t1", reminder_number=1), at[7], NMRF),
        (
            "task-t1",
            ev.TaskExtended(cycle_id=cycle, task_id="t1", new_due_at=at[20], reason="more input"),
            at[8],
            NMRF,
        ),
        ("task-t1", ev.TaskCompleted(cycle_id=cycle, task_id="t1", completed_by="MOJ"), at[9], MOJ),
        (
            "task-t2",
            ev.TaskAssigned(
                cycle_id=cycle,
                task_id="t2",
                kind="answer_comment",
                title="Answer",
                assignee_org="MOE",
                assignee_role="ministry",
                due_at=at[15],
            ),
            at[9],
            NMRF,
        ),
        (
            "task-t2",
            ev.TaskReassigned(
                cycle_id=cycle, task_id="t2", assignee_org="MOJ", assignee_role="ministry"
            ),
            at[10],
            NMRF,
        ),
        (
            "task-t2",
            ev.TaskEscalated(cycle_id=cycle, task_id="t2", escalated_to="NMRF-chair", level=1),
            at[16],
            NMRF,
        ),
        (
            "task-t2",
            ev.TaskCancelled(cycle_id=cycle, task_id="t2", reason="obsolete"),
            at[17],
            NMRF,
        ),
        (
            cs,
            ev.SectionContributed(
                cycle_id=cycle,
                section_id="sec1",
                ministry="MOJ",
                title="Justice",
                word_count=900,
                task_id="t1",
            ),
            at[9],
            MOJ,
        ),
        (
            cs,
            ev.DraftPublished(
                cycle_id=cycle, draft_id="d1", version=1, comment_deadline=at[20], word_count=9000
            ),
            at[11],
            NMRF,
        ),
        (
            cs,
            ev.CommentReceived(
                cycle_id=cycle,
                draft_id="d1",
                comment_id="c1",
                commenter_org="NHRI-DK",
                text="More on prisons",
                routed_to=("MOJ",),
            ),
            at[12],
            NMRF,
        ),
        (
            cs,
            ev.DraftRevised(
                cycle_id=cycle,
                draft_id="d1",
                version=2,
                word_count=9500,
                comments_addressed=("c1",),
            ),
            at[13],
            NMRF,
        ),
        (
            cs,
            ev.ApprovalGiven(
                cycle_id=cycle, document="national_report", step="minister", approver_org="MFA"
            ),
            at[14],
            NMRF,
        ),
        (
            cs,
            ev.ParliamentReviewed(
                cycle_id=cycle,
                document="national_report",
                committee="Legal Affairs",
                outcome="endorsed",
            ),
            at[14],
            NMRF,
        ),
        (
            cs,
            ev.ReportSubmitted(
                cycle_id=cycle, word_count=10_500, document_ref="A/HRC/WG.6/44/DNK/1"
            ),
            at[15],
            NMRF,
        ),
    ]
    for i in range(1, 5):
        rid = f"r{i}"
        rs = f"rec-{cycle}-{rid}"
        out.append(
            (
                rs,
                ev.RecommendationReceived(
                    cycle_id=cycle,
                    recommendation_id=rid,
                    text=f"Recommendation {i}",
                    recommending_states=("Norway", "Peru"),
                    themes=("justice",),
                    sdgs=("16.3",),
                    affected_persons=("detainees",),
                    source_paragraph=f"A/HRC/55/8 para 121.{i}",
                ),
                at[18],
                NMRF,
            )
        )
        out.append(
            (
                rs,
                ev.RecommendationRouted(cycle_id=cycle, recommendation_id=rid, lead_ministry="MOJ"),
                at[18],
                NMRF,
            )
        )
    out += [
        (
            f"rec-{cycle}-r1",
            ev.PositionProposed(
                cycle_id=cycle,
                recommendation_id="r1",
                position=Position.SUPPORTED,
                proposed_by="MOJ",
            ),
            at[19],
            MOJ,
        ),
        (
            f"rec-{cycle}-r1",
            ev.PositionAssessed(
                cycle_id=cycle, recommendation_id="r1", assessor_org="MFA", concurs=True
            ),
            at[20],
            NMRF,
        ),
        (
            f"rec-{cycle}-r1",
            ev.PositionDecided(
                cycle_id=cycle,
                recommendation_id="r1",
                position=Position.SUPPORTED,
                decided_by="NMRF",
            ),
            at[21],
            NMRF,
        ),
        (
            f"rec-{cycle}-r2",
            ev.PositionDecided(
                cycle_id=cycle,
                recommendation_id="r2",
                position=Position.NOTED,
                justification="constitutional reasons",
                decided_by="NMRF",
            ),
            at[21],
            NMRF,
        ),
        (
            cs,
            ev.AddendumSubmitted(
                cycle_id=cycle, document_ref="A/HRC/55/8/Add.1", recommendation_ids=("r1", "r2")
            ),
            at[22],
            NMRF,
        ),
        (
            cs,
            ev.OutcomeAdopted(cycle_id=cycle, session="HRC55", adopted_on=date(2027, 6, 1)),
            at[23],
            NMRF,
        ),
        (
            f"rec-{cycle}-r1",
            ev.ImplementationPlanned(
                cycle_id=cycle,
                recommendation_id="r1",
                plan_id="p1",
                actions=("draft bill",),
                responsible_body="MOJ",
                starts_on=date(2027, 7, 1),
                ends_on=date(2028, 7, 1),
            ),
            at[24],
            MOJ,
        ),
        (
            f"rec-{cycle}-r1",
            ev.ProgressReported(
                cycle_id=cycle,
                recommendation_id="r1",
                reporter_org="MOJ",
                status=ImplementationStatus.IN_PROGRESS,
                period_end=date(2027, 12, 31),
                summary="bill drafted",
            ),
            at[25],
            MOJ,
        ),
        (
            f"rec-{cycle}-r1",
            ev.AssessmentFiled(
                cycle_id=cycle,
                recommendation_id="r1",
                assessor_org="NHRI-DK",
                assessor_kind="nhri",
                status=ImplementationStatus.PARTIALLY_IMPLEMENTED,
                text="slow",
            ),
            at[26],
            NMRF,
        ),
        (
            f"rec-{cycle}-r1",
            ev.ParliamentItemResolved(
                cycle_id=cycle,
                recommendation_id="r1",
                committee="Legal Affairs",
                action="legislation_passed",
            ),
            at[27],
            NMRF,
        ),
        (
            cs,
            ev.ConsultationHeld(cycle_id=cycle, consultation_id="k1", topic="follow-up"),
            at[28],
            NMRF,
        ),
        (
            cs,
            ev.NotificationDelivered(
                cycle_id=cycle,
                notification_id="n1",
                recipient="MOJ",
                channel="webhook",
                template="due",
                task_id="t1",
            ),
            at[28],
            NMRF,
        ),
        (cs, ev.MidtermReportSubmitted(cycle_id=cycle, document_ref="mtr-1"), at[29], NMRF),
        (cs, ev.CycleCompleted(cycle_id=cycle, next_cycle_id="DK-5"), at[30], NMRF),
    ]
    return [(stream, new(e, when, actor)) for stream, e, when, actor in out]
