"""The event catalogue: validation rules, registry, upcasting."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from uprflow.domain import events as ev
from uprflow.domain.events import registry
from uprflow.domain.values import Position


def test_catalogue_is_complete_and_past_tense() -> None:
    expected = {
        "CycleStarted",
        "CommandRejected",
        "StageOpened",
        "StageClosed",
        "DeadlineExtended",
        "HearingScheduled",
        "HearingHeld",
        "SubmissionReceived",
        "SectionContributed",
        "DraftPublished",
        "CommentReceived",
        "DraftRevised",
        "ApprovalGiven",
        "ParliamentReviewed",
        "ReportSubmitted",
        "RecommendationReceived",
        "RecommendationRouted",
        "PositionProposed",
        "PositionAssessed",
        "PositionDecided",
        "AddendumSubmitted",
        "OutcomeAdopted",
        "ImplementationPlanned",
        "ProgressReported",
        "AssessmentFiled",
        "ConsultationHeld",
        "MidtermReportSubmitted",
        "ParliamentItemResolved",
        "TaskAssigned",
        "TaskReminded",
        "TaskEscalated",
        "TaskExtended",
        "TaskReassigned",
        "TaskCompleted",
        "TaskCancelled",
        "NotificationDelivered",
        "CycleCompleted",
    }
    assert set(ev.EVENT_TYPES) == expected
    for cls in ev.EVENT_TYPES.values():
        assert cls.model_config.get("frozen") is True
        assert cls.schema_version >= 1


@pytest.mark.parametrize("model", [ev.PositionProposed, ev.PositionDecided])
def test_noted_needs_a_justification(model: type[ev.DomainEvent]) -> None:
    who = {"proposed_by": "MOJ"} if model is ev.PositionProposed else {"decided_by": "NMRF"}
    for position in (Position.NOTED, Position.SUPPORTED_IN_PART):
        with pytest.raises(ValidationError, match="justification is required"):
            model(cycle_id="C", recommendation_id="r1", position=position, **who)
        with pytest.raises(ValidationError, match="justification"):
            model(
                cycle_id="C", recommendation_id="r1", position=position, justification="  ", **who
            )
    ok = model(
        cycle_id="C",
        recommendation_id="r1",
        position=Position.NOTED,
        justification="constitution",
        **who,
    )
    assert ok.position == Position.NOTED  # type: ignore[attr-defined]
    model(cycle_id="C", recommendation_id="r1", position=Position.SUPPORTED, **who)


def test_other_rules_name_their_field() -> None:
    with pytest.raises(ValidationError, match="signatories"):
        ev.SubmissionReceived(
            cycle_id="C",
            submission_id="s",
            submitter_org="A",
            submitter_kind="coalition",
            title="t",
            joint=True,
            signatories=("A",),
        )
    with pytest.raises(ValidationError, match="word_count"):
        ev.ReportSubmitted(cycle_id="C", word_count=10_701, document_ref="x")
    with pytest.raises(ValidationError, match="ends_on"):
        ev.ImplementationPlanned(
            cycle_id="C",
            recommendation_id="r",
            plan_id="p",
            actions=("a",),
            responsible_body="M",
            starts_on=date(2027, 1, 2),
            ends_on=date(2027, 1, 1),
        )
    with pytest.raises(ValidationError, match="cycle_id"):
        ev.TaskReminded(cycle_id="", task_id="t", reminder_number=1)
    with pytest.raises(ValidationError):
        ev.TaskReminded(cycle_id="C", task_id="t", reminder_number=1, extra="no")  # type: ignore[call-arg]
    event = ev.TaskReminded(cycle_id="C", task_id="t", reminder_number=1)
    with pytest.raises(ValidationError):
        event.task_id = "other"  # type: ignore[misc]


def test_encode_decode_round_trip() -> None:
    e = ev.RecommendationReceived(
        cycle_id="C",
        recommendation_id="r1",
        text="Ratify OP-CAT",
        recommending_states=("Peru",),
        source_paragraph="p 1",
    )
    name, version, payload = ev.encode_event(e)
    assert (name, version) == ("RecommendationReceived", 1)
    assert ev.decode_event(name, version, payload) == e


def test_upcasters_lift_old_payloads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ev.TaskReminded, "schema_version", 2)
    # The registry module owns the table (the package only re-exports it): patch it there.
    monkeypatch.setattr(registry, "UPCASTERS", dict(registry.UPCASTERS))

    @ev.register_upcaster("TaskReminded", 1)
    def _v1_to_v2(payload: dict[str, object]) -> dict[str, object]:
        out = dict(payload)
        out["reminder_number"] = out.pop("count")
        return out

    old = {"cycle_id": "C", "task_id": "t", "count": 3}
    assert ev.decode_event("TaskReminded", 1, old).reminder_number == 3  # type: ignore[attr-defined]
    with pytest.raises(ev.EventSchemaError, match="newer"):
        ev.decode_event("TaskReminded", 3, old)
    with pytest.raises(ev.UnknownEventType, match="event_type"):
        ev.decode_event("Nope", 1, {})
