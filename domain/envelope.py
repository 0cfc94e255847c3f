"""The event envelope: everything the ledger records around a domain event.

The envelope is pure data. ``occurred_at`` is business time and is always passed in by the
caller (inside a workflow that is ``workflow.now()``); ``recorded_at`` and ``position`` are
assigned by the ledger when the event is committed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from uprflow.domain.events import DomainEvent, decode_event


class Actor(BaseModel):
    """Who caused an event: a role, the organisation acting, and a user or API-token id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str = Field(
        min_length=1, description="e.g. nmrf, ministry, nhri, cso, parliament, system"
    )
    organisation: str = Field(min_length=1, description="organisation id, e.g. MFA, NHRI-DK")
    subject: str = Field(min_length=1, description="user id or token id")


class Trace(BaseModel):
    """Correlation and causation ids linking an event to the workflow and request behind it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    correlation_id: str | None = None
    causation_id: str | None = None
    workflow_id: str | None = None
    run_id: str | None = None
    request_id: str | None = None


def _require_aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must be timezone-aware (UTC), got naive {value.isoformat()}")
    return value


class NewEvent(BaseModel):
    """An event a caller wants appended: the domain event plus its envelope metadata.

    ``event_id`` is the idempotency key: a workflow derives it deterministically
    (``workflow.uuid4()``) so a retried activity appends nothing twice.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event: DomainEvent
    event_id: UUID
    occurred_at: datetime
    actor: Actor
    trace: Trace = Trace()

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        return _require_aware(v, "occurred_at")


class EventEnvelope(BaseModel):
    """A recorded event as read back from the ledger."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    position: int = Field(ge=1, description="global position in the ledger (commit order)")
    event_id: UUID
    stream_id: str
    stream_version: int = Field(ge=1)
    event_type: str
    schema_version: int = Field(ge=1)
    cycle_id: str
    occurred_at: datetime
    recorded_at: datetime
    actor: Actor
    trace: Trace
    payload: dict[str, Any]

    @field_validator("occurred_at", "recorded_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        return _require_aware(v, "timestamp")

    def event(self) -> DomainEvent:
        """The typed domain event, upcast to the current schema version."""
        return decode_event(self.event_type, self.schema_version, self.payload)
