"""The one fold: ``state = reduce(apply, envelopes, CycleState(cycle_id=...))``.

Projections, auditor replay and tests all use :func:`apply`. It is pure and total: an event
about an entity the state does not know (e.g. when replaying a single stream) only advances
the counters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from uprflow.domain import events as ev
from uprflow.domain.envelope import EventEnvelope
from uprflow.domain.fold import counters, cycle, documents, recommendations, tasks
from uprflow.domain.fold.handlers import Handler
from uprflow.domain.fold.updates import copy_model
from uprflow.domain.state import CycleState


def _merge() -> dict[type[ev.DomainEvent], Handler]:
    # Why refuse a duplicate: one event class has one handler, or the fold would depend on
    # the order the concern tables are listed in.
    merged: dict[type[ev.DomainEvent], Handler] = {}
    for table in (
        cycle.handlers,
        counters.handlers,
        documents.handlers,
        recommendations.handlers,
        tasks.handlers,
    ):
        for cls, handler in table.by_event.items():
            if cls in merged:
                raise RuntimeError(f"two fold handlers for {cls.__name__}")
            merged[cls] = handler
    return merged


_HANDLERS = _merge()


class Stamped(Protocol):
    """What the fold reads from an envelope (an :class:`EventEnvelope` satisfies it)."""

    @property
    def position(self) -> int:
        """Global position in the ledger."""
        ...

    @property
    def occurred_at(self) -> datetime:
        """Business time of the event."""
        ...

    def event(self) -> ev.DomainEvent:
        """The decoded domain event."""
        ...


def apply(state: CycleState, envelope: Stamped, event: ev.DomainEvent | None = None) -> CycleState:
    """Apply one recorded event to a cycle state and return the new state.

    ``event`` may be passed when the caller already holds the decoded event (saves a parse).
    """
    if event is None:
        event = envelope.event()
    handler = _HANDLERS.get(type(event))
    new = handler(state, event, envelope.occurred_at) if handler else state
    bookkeeping = {
        "events_applied": new.events_applied + 1,
        "last_position": envelope.position,
        "last_occurred_at": envelope.occurred_at,
    }
    if new is state:
        return copy_model(state, bookkeeping)
    # Why: ``new`` is a fresh copy made by the handler and not yet shared with anyone, so
    # setting the counters on it in place keeps apply pure while saving a second copy.
    new.__dict__.update(bookkeeping)
    return new


def fold(envelopes: Iterable[EventEnvelope], cycle_id: str) -> CycleState:
    """Fold envelopes (in position order) into the state of ``cycle_id``."""
    state = CycleState(cycle_id=cycle_id)
    for env in envelopes:
        state = apply(state, env)
    return state
