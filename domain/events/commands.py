"""Events about commands themselves: a refused command is a recorded fact."""

from __future__ import annotations

from pydantic import Field

from uprflow.domain.events.base import DomainEvent


class CommandRejected(DomainEvent):
    """A command was refused (invalid, unauthorised or conflicting).

    Why an event: Temporal keeps no trace of an update its validator rejects, and an auditor
    must see every refused attempt, by whom and why.
    """

    command: str = Field(min_length=1, description="e.g. POST /tasks/{task_id}/complete")
    target: str = Field(min_length=1, description="the task, stage or cycle addressed")
    status: int = Field(ge=400, le=599)
    reason: str = Field(min_length=1)


#: This module's events, in catalogue order (see :mod:`uprflow.domain.events.registry`).
EVENTS: tuple[type[DomainEvent], ...] = (CommandRejected,)
