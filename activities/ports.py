"""What the activities need from the outside world, as protocols (the ports).

Why: activities sit below the store in the layers (``docs/architecture.md``). They say here
what they need; the store implements it (:mod:`uprflow.store.adapters` and the ``Ledger``)
and the composition root (:mod:`uprflow.worker`) plugs one into the other, so a test or the
demo can plug in something else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from uprflow.domain.envelope import EventEnvelope, NewEvent
from uprflow.domain.notices import Channel, Notice


class Appended(Protocol):
    """Where one appended event landed."""

    @property
    def position(self) -> int: ...

    @property
    def stream_version(self) -> int: ...


class EventLog(Protocol):
    """The append-only ledger: idempotent by event id, optimistic by stream version.

    Refusals are :mod:`uprflow.domain.ledger_errors` (``EventIdConflict``,
    ``WrongExpectedVersion``); an append returns after its commit.
    """

    async def append_async(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None = None
    ) -> Sequence[Appended]: ...


class CheckpointMark(Protocol):
    """A recorded chain head."""

    @property
    def position(self) -> int: ...

    @property
    def head_hash(self) -> str: ...

    @property
    def recorded_at(self) -> datetime: ...


class Checkpoints(Protocol):
    """Records the ledger's current head as a checkpoint."""

    def record_checkpoint(self) -> CheckpointMark: ...


class CycleEvents(Protocol):
    """Reads every event of one cycle, in ledger order."""

    def read_cycle(self, cycle_id: str) -> Sequence[EventEnvelope]: ...


class OutboxEntry(Protocol):
    """One channel of one notification, as the outbox holds it."""

    @property
    def channel(self) -> Channel: ...

    @property
    def recipient(self) -> str: ...

    @property
    def delivered(self) -> bool: ...


class NoticeStore(Protocol):
    """The notifier's bookkeeping: the outbox rows of each notice and where events landed.

    Why an outbox: a delivery must happen once even when the activity is retried after a
    crash between sending and recording; the rows say which channels already went out.
    """

    def enqueue(self, notice: Notice) -> Sequence[OutboxEntry]: ...

    def mark_attempt(self, notification_id: str, channel: Channel, error: str) -> None: ...

    def mark_delivered(self, notification_id: str, channel: Channel) -> datetime: ...

    def position_of(self, event_id: UUID) -> int: ...
