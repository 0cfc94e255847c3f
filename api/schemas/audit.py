"""Wire models of the audit routes: ledger pages, the verification report, time travel."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from uprflow.domain.envelope import EventEnvelope
from uprflow.domain.state import CycleState
from uprflow.store.verify import VerifyReport

_EVENT_EXAMPLE: dict[str, Any] = {
    "position": 42,
    "event_id": "6f1c2a9e-1d1b-4c4b-9f0e-1f7a6f0d2b11",
    "stream_id": "stage-KE-4-decisions",
    "stream_version": 7,
    "event_type": "PositionDecided",
    "schema_version": 1,
    "cycle_id": "cycle-KE-4",
    "occurred_at": "2030-03-01T09:00:00Z",
    "recorded_at": "2030-03-01T09:00:00.120000Z",
    "actor": {"role": "secretariat", "organisation": "NMRF", "subject": "token:3f2a9c0d1e2b4a5c"},
    "trace": {"correlation_id": "cycle-KE-4", "workflow_id": "stage-KE-4-decisions"},
    "payload": {
        "cycle_id": "cycle-KE-4",
        "recommendation_id": "KE-S35-001",
        "position": "supported",
        "justification": None,
    },
}


class EventActor(BaseModel):
    """Who caused an event: a role, the organisation acting, and a user or API-token id."""

    role: str = Field(description="e.g. nmrf, ministry, nhri, cso, parliament, system")
    organisation: str = Field(description="organisation id, e.g. MFA, NHRI-DK")
    subject: str = Field(description="user id or token id")


class EventTrace(BaseModel):
    """Correlation and causation ids linking an event to the workflow and request behind it."""

    correlation_id: str | None = None
    causation_id: str | None = None
    workflow_id: str | None = None
    run_id: str | None = None
    request_id: str | None = None


class LedgerEvent(BaseModel):
    """A recorded event as the ledger holds it."""

    position: int = Field(description="global position in the ledger (commit order)")
    event_id: UUID
    stream_id: str
    stream_version: int
    event_type: str
    schema_version: int
    cycle_id: str
    occurred_at: datetime
    recorded_at: datetime
    actor: EventActor
    trace: EventTrace
    payload: dict[str, Any]


class EventPage(BaseModel):
    """A page of the ledger in position order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"events": [_EVENT_EXAMPLE], "next_after": 42, "head_position": 4711}]
        }
    )

    events: list[LedgerEvent]
    next_after: int | None = Field(
        description="pass as `after` for the next page; null when this page reached the head"
    )
    head_position: int = Field(description="the last position of the whole ledger right now")


class VerifyProblem(BaseModel):
    """The first defect found in the chain."""

    position: int
    kind: str = Field(description="altered, removed, inserted, reordered or truncated")
    detail: str


class VerifyResult(BaseModel):
    """The result of verifying the whole hash chain and the checkpoints."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": True,
                    "checked": 4711,
                    "head_position": 4711,
                    "head_hash": "9c1d…",
                    "checkpoints": 3,
                    "problem": None,
                },
                {
                    "ok": False,
                    "checked": 1203,
                    "head_position": 1203,
                    "head_hash": "77ab…",
                    "checkpoints": 3,
                    "problem": {
                        "position": 1204,
                        "kind": "altered",
                        "detail": "the body no longer hashes to the stored hash",
                    },
                },
            ]
        }
    )

    ok: bool
    checked: int = Field(description="events verified (up to the first problem)")
    head_position: int
    head_hash: str
    checkpoints: int
    problem: VerifyProblem | None


# Why ``state`` is the fold's own model and not a wire copy: this route promises exactly what
# the fold knows (as ``uprflow audit replay`` prints it), to auditors and the secretariat only;
# a copy would be a second definition that could silently hide what an auditor must see.
class CycleStateAt(BaseModel):
    """A cycle's folded state as it stood at an instant."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cycle_id": "cycle-KE-4",
                    "as_of": "2030-06-01T00:00:00Z",
                    "by": "occurred",
                    "state": {
                        "cycle_id": "cycle-KE-4",
                        "status": "active",
                        "country": "KE",
                        "cycle_number": 4,
                        "review_date": "2030-01-15",
                        "outcome_adopted_on": "2030-05-20",
                        "recommendations": {
                            "KE-S35-001": {
                                "recommendation_id": "KE-S35-001",
                                "text": "Ratify the ICRMW",
                                "status": "decided",
                                "position": "supported",
                            }
                        },
                        "last_position": 3120,
                    },
                }
            ]
        }
    )

    cycle_id: str
    as_of: datetime | None = Field(description="the instant asked for (null: now)")
    by: Literal["recorded", "occurred"]
    state: CycleState


def ledger_event(env: EventEnvelope) -> LedgerEvent:
    """A ledger envelope as the audit routes show it."""
    return LedgerEvent(
        position=env.position,
        event_id=env.event_id,
        stream_id=env.stream_id,
        stream_version=env.stream_version,
        event_type=env.event_type,
        schema_version=env.schema_version,
        cycle_id=env.cycle_id,
        occurred_at=env.occurred_at,
        recorded_at=env.recorded_at,
        actor=EventActor(
            role=env.actor.role, organisation=env.actor.organisation, subject=env.actor.subject
        ),
        trace=EventTrace(
            correlation_id=env.trace.correlation_id,
            causation_id=env.trace.causation_id,
            workflow_id=env.trace.workflow_id,
            run_id=env.trace.run_id,
            request_id=env.trace.request_id,
        ),
        payload=env.payload,
    )


def verify_result(report: VerifyReport) -> VerifyResult:
    """The verifier's report as the API answers it."""
    p = report.problem
    return VerifyResult(
        ok=report.ok,
        checked=report.checked,
        head_position=report.head_position,
        head_hash=report.head_hash,
        checkpoints=report.checkpoints,
        problem=None
        if p is None
        else VerifyProblem(position=p.position, kind=p.kind, detail=p.detail),
    )
