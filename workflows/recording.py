"""Workflow-side helpers: record domain events in the ledger through the idempotent activity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from uprflow.activities.ledger import (
        LedgerActivities,
        RecordFailure,
        RecordRequest,
        RecordResult,
        WireEvent,
    )
    from uprflow.domain.envelope import Actor, Trace
    from uprflow.domain.events import DomainEvent, encode_event

#: Appends are retried for a long time: a ledger outage must delay a cycle, never lose a fact.
RECORD_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    non_retryable_error_types=[f.value for f in RecordFailure],
)

SYSTEM = "system"


def system_actor() -> Actor:
    """The actor for facts the workflow itself establishes (timers, routing, adoption)."""
    return Actor(role=SYSTEM, organisation="uprflow", subject=workflow.info().workflow_type)


async def record(
    stream_id: str,
    events: Sequence[DomainEvent],
    *,
    actor: Actor | None = None,
    request_id: str | None = None,
    cycle_id: str | None = None,
) -> RecordResult:
    """Append ``events`` to ``stream_id`` at the workflow's current time, idempotently."""
    if not events:
        return RecordResult(positions=[], stream_version=0)
    info = workflow.info()
    who = actor or system_actor()
    trace = Trace(
        correlation_id=cycle_id or events[0].cycle_id,
        causation_id=request_id or info.workflow_id,
        workflow_id=info.workflow_id,
        run_id=info.run_id,
        request_id=request_id,
    )
    now = workflow.now()
    wire = []
    for event in events:
        event_type, version, payload = encode_event(event)
        wire.append(
            WireEvent(
                # Why: uuid4 from the workflow is deterministic on replay, so a retried
                # activity or a replayed workflow task appends the same ids (idempotent).
                event_id=workflow.uuid4(),
                event_type=event_type,
                schema_version=version,
                payload=payload,
                occurred_at=now,
                actor=who,
                trace=trace,
            )
        )
    return await workflow.execute_activity_method(
        LedgerActivities.record_events,
        RecordRequest(stream_id=stream_id, events=wire),
        start_to_close_timeout=timedelta(seconds=60),
        retry_policy=RECORD_RETRY,
    )
