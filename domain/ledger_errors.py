"""How an append to the ledger can be refused: the contract every ledger implementation keeps.

Why here and not in the store: the activities that append events (and map these refusals to
non-retryable Temporal failures) sit below the store in the layers; they depend on this
contract, and the store implements it.
"""

from __future__ import annotations

from uuid import UUID


class LedgerError(Exception):
    """Base of every ledger error."""


class WrongExpectedVersion(LedgerError):
    """The stream is not at the version the caller expected; nothing was written."""

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"expected_version: stream {stream_id!r} is at version {actual}, expected {expected}"
        )
        self.stream_id, self.expected, self.actual = stream_id, expected, actual


class EventIdConflict(LedgerError):
    """An event id is already recorded with different content; nothing was written."""

    def __init__(self, event_id: UUID | str, reason: str) -> None:
        super().__init__(f"event_id: {event_id} {reason}")
        self.event_id = str(event_id)


class LedgerClosed(LedgerError):
    """The ledger's committer was closed."""
