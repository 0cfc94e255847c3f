"""The activity every workflow records its facts through: an idempotent ledger append.

Events cross the Temporal boundary as :class:`WireEvent` (type name + JSON payload) because
a field typed with the ``DomainEvent`` base class would lose the subclass on the way; the
activity rebuilds the typed event with the catalogue (``decode_event``), which also validates
it. Event ids are minted by the workflow (``workflow.uuid4()``), so a retried activity appends
nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError

from uprflow.activities.ports import EventLog
from uprflow.domain.envelope import Actor, NewEvent, Trace
from uprflow.domain.events import EventSchemaError, UnknownEventType, decode_event
from uprflow.domain.ledger_errors import EventIdConflict, WrongExpectedVersion


class RecordFailure(StrEnum):
    """Why an append failed for good (the ``ApplicationError`` type; never retried).

    Values are the names these failures have always had in histories (the store's error
    classes): never rename them.
    """

    INVALID_EVENT = "InvalidEvent"
    EVENT_ID_CONFLICT = "EventIdConflict"
    WRONG_EXPECTED_VERSION = "WrongExpectedVersion"


class WireEvent(BaseModel):
    """A domain event with its envelope metadata, in a form that survives serialisation."""

    event_id: UUID
    event_type: str
    schema_version: int
    payload: dict[str, Any]
    occurred_at: datetime
    actor: Actor
    trace: Trace = Trace()


class RecordRequest(BaseModel):
    """Events to append atomically to one stream."""

    stream_id: str
    events: list[WireEvent]
    expected_version: int | None = None


class RecordResult(BaseModel):
    """Global positions of the appended (or already present) events."""

    positions: list[int]
    stream_version: int


class LedgerActivities:
    """Ledger activities bound to one event log (in production the store's ``Ledger``)."""

    def __init__(self, ledger: EventLog) -> None:
        self._ledger = ledger

    @activity.defn(name="record_events")
    async def record_events(self, request: RecordRequest) -> RecordResult:
        """Append the request's events; idempotent by event id."""
        try:
            news = [
                NewEvent(
                    event=decode_event(w.event_type, w.schema_version, w.payload),
                    event_id=w.event_id,
                    occurred_at=w.occurred_at,
                    actor=w.actor,
                    trace=w.trace,
                )
                for w in request.events
            ]
        except (EventSchemaError, UnknownEventType, ValueError) as exc:
            # A malformed event will not get better on retry: fail the activity for good.
            raise ApplicationError(
                str(exc), type=RecordFailure.INVALID_EVENT.value, non_retryable=True
            ) from exc
        try:
            recorded = await self._ledger.append_async(
                request.stream_id, news, request.expected_version
            )
        except EventIdConflict as exc:
            raise ApplicationError(
                str(exc), type=RecordFailure.EVENT_ID_CONFLICT.value, non_retryable=True
            ) from exc
        except WrongExpectedVersion as exc:
            raise ApplicationError(
                str(exc), type=RecordFailure.WRONG_EXPECTED_VERSION.value, non_retryable=True
            ) from exc
        return RecordResult(
            positions=[r.position for r in recorded],
            stream_version=recorded[-1].stream_version if recorded else 0,
        )
