"""What every event is: a frozen pydantic model naming its cycle, with a schema version.

Names are past tense. The stored event type is the class name (:meth:`DomainEvent.type_name`),
so an event class is never renamed; a change of shape bumps ``schema_version`` and registers
an upcaster (:mod:`uprflow.domain.events.registry`).

Payloads avoid floats on purpose: they are hashed as RFC 8785 canonical JSON and integers
and strings canonicalise trivially.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

#: An identifier in an event (a cycle, task, recommendation, organisation code, ...).
Id = str
Ids = tuple[str, ...]


class DomainEvent(BaseModel):
    """Base of every event. ``schema_version`` is a class attribute, bumped on shape change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: ClassVar[int] = 1

    cycle_id: Id = Field(min_length=1, description="the UPR cycle this fact belongs to")

    @classmethod
    def type_name(cls) -> str:
        """The stored event type (the class name)."""
        return cls.__name__
