"""The one fold, exercised without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from uprflow.domain import events as ev
from uprflow.domain.envelope import Actor, EventEnvelope, Trace
from uprflow.domain.fold import apply, fold
from uprflow.domain.state import CycleState
from uprflow.domain.values import ImplementationStatus, Position, Stage

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def envs(*events: ev.DomainEvent) -> list[EventEnvelope]:
    out = []
    for i, e in enumerate(events, start=1):
        name, version, payload = ev.encode_event(e)
        out.append(
            EventEnvelope(
                position=i,
                event_id=uuid.uuid4(),
                stream_id="s",
                stream_version=i,
                event_type=name,
                schema_version=version,
                cycle_id=e.cycle_id,
                occurred_at=T0 + timedelta(hours=i),
                recorded_at=T0 + timedelta(hours=i),
                actor=Actor(role="r", organisation="o", subject="u"),
                trace=Trace(),
                payload=payload,
            )
        )
    return out


def rec(i: int) -> ev.RecommendationReceived:
    return ev.RecommendationReceived(
        cycle_id="C",
        recommendation_id=f"r{i}",
        text="t",
        recommending_states=("Peru",),
        source_paragraph="p",
    )


def test_cycle_lifecycle() -> None:
    s = fold(
        envs(
            ev.CycleStarted(
                cycle_id="C",
                country="PE",
                cycle_number=4,
                review_date=date(2027, 1, 1),
                profile_id="pe",
            ),
            ev.StageOpened(cycle_id="C", stage=Stage.DECISIONS, deadline=T0 + timedelta(days=30)),
            ev.DeadlineExtended(
                cycle_id="C",
                stage=Stage.DECISIONS,
                new_deadline=T0 + timedelta(days=40),
                reason="x",
            ),
            rec(1),
            rec(2),
            rec(3),
            ev.RecommendationRouted(cycle_id="C", recommendation_id="r1", lead_ministry="MOJ"),
            ev.PositionProposed(
                cycle_id="C", recommendation_id="r1", position=Position.SUPPORTED, proposed_by="MOJ"
            ),
            ev.PositionDecided(
                cycle_id="C", recommendation_id="r1", position=Position.SUPPORTED, decided_by="NMRF"
            ),
            ev.PositionDecided(
                cycle_id="C",
                recommendation_id="r2",
                position=Position.NOTED,
                justification="why",
                decided_by="NMRF",
            ),
            ev.StageClosed(cycle_id="C", stage=Stage.DECISIONS),
            ev.OutcomeAdopted(cycle_id="C", session="HRC58", adopted_on=date(2027, 6, 1)),
            ev.ProgressReported(
                cycle_id="C",
                recommendation_id="r1",
                reporter_org="MOJ",
                status=ImplementationStatus.IMPLEMENTED,
                period_end=date(2028, 1, 1),
                summary="done",
            ),
            ev.CycleCompleted(cycle_id="C"),
        ),
        "C",
    )
    assert s.status == "completed" and s.country == "PE"
    stage = s.stages["decisions"]
    assert stage.status == "closed" and stage.extensions == 1
    assert stage.deadline == T0 + timedelta(days=40)
    r1, r2, r3 = (s.recommendations[f"r{i}"] for i in (1, 2, 3))
    assert (r1.position, r1.lead_ministry, r1.implementation_status) == (
        Position.SUPPORTED,
        "MOJ",
        ImplementationStatus.IMPLEMENTED,
    )
    assert r2.position == Position.NOTED and not r2.noted_by_default
    assert r3.position == Position.NOTED and r3.noted_by_default  # no position at adoption
    assert s.events_applied == 14 and s.last_position == 14


def test_tasks_and_unknown_entities() -> None:
    s = fold(
        envs(
            ev.TaskReminded(cycle_id="C", task_id="ghost", reminder_number=1),  # tolerated
            ev.TaskAssigned(
                cycle_id="C",
                task_id="t",
                kind="k",
                title="T",
                assignee_org="MOJ",
                assignee_role="ministry",
                due_at=T0,
            ),
            ev.TaskReminded(cycle_id="C", task_id="t", reminder_number=1),
            ev.TaskEscalated(cycle_id="C", task_id="t", escalated_to="chair", level=1),
            ev.TaskReassigned(cycle_id="C", task_id="t", assignee_org="MOE", assignee_role="m"),
            ev.TaskCompleted(cycle_id="C", task_id="t", completed_by="MOE"),
        ),
        "C",
    )
    t = s.tasks["t"]
    assert (t.status, t.reminders, t.escalation_level, t.assignee_org) == ("completed", 1, 1, "MOE")
    assert "ghost" not in s.tasks and s.events_applied == 6


def test_apply_is_pure_and_reuses_untouched_entities() -> None:
    e = envs(
        rec(1),
        rec(2),
        ev.RecommendationRouted(cycle_id="C", recommendation_id="r2", lead_ministry="M"),
    )
    s1 = apply(apply(CycleState(cycle_id="C"), e[0]), e[1])
    s2 = apply(s1, e[2])
    assert s1.recommendations["r2"].lead_ministry is None  # old state untouched
    assert s2.recommendations["r1"] is s1.recommendations["r1"]
    assert s2.recommendations["r2"] is not s1.recommendations["r2"]
