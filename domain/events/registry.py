"""The catalogue: event type name -> model, upcasting of old payloads, encoding and decoding.

Stored events are never rewritten: a payload stored under an older schema version is lifted
to the current shape on read by the registered upcasters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from uprflow.domain.events import commands, consultation, cycle, recommendations, reports, tasks
from uprflow.domain.events.base import DomainEvent

_GROUPS = (cycle, consultation, reports, recommendations, tasks, commands)


def _catalogue() -> dict[str, type[DomainEvent]]:
    # Why keyed by class name: it is the stored ``event_type``, so an event class is never
    # renamed, and two classes sharing a name would make stored events ambiguous.
    types: dict[str, type[DomainEvent]] = {}
    for module in _GROUPS:
        for cls in module.EVENTS:
            if cls.__name__ in types:
                raise RuntimeError(f"two event classes are named {cls.__name__}")
            types[cls.__name__] = cls
    return types


#: type name -> current model, every event of the catalogue.
EVENT_TYPES: dict[str, type[DomainEvent]] = _catalogue()

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

#: (type name, stored schema version) -> function returning the payload at version + 1
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


class UnknownEventType(LookupError):
    """A stored event type is not in the catalogue."""


class EventSchemaError(ValueError):
    """A payload does not match its event model (or cannot be upcast)."""


def register_upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function that lifts a stored payload from ``from_version`` to the next."""

    def deco(fn: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = fn
        return fn

    return deco


def event_class(event_type: str) -> type[DomainEvent]:
    """The model for a type name, or :class:`UnknownEventType`."""
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(f"event_type: unknown event type {event_type!r}") from None


def upcast(event_type: str, schema_version: int, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Lift a stored payload to the current schema version (the stored row is untouched)."""
    target = event_class(event_type).schema_version
    data = dict(payload)
    version = schema_version
    while version < target:
        step = UPCASTERS.get((event_type, version))
        if step is None:
            raise EventSchemaError(
                f"schema_version: no upcaster for {event_type} v{version} -> v{version + 1}"
            )
        data = step(data)
        version += 1
    if version > target:
        raise EventSchemaError(
            f"schema_version: {event_type} v{schema_version} is newer than this code (v{target})"
        )
    return data


def decode_event(event_type: str, schema_version: int, payload: Mapping[str, Any]) -> DomainEvent:
    """Build the typed event from a stored payload, upcasting first."""
    cls = event_class(event_type)
    try:
        return cls.model_validate(upcast(event_type, schema_version, payload))
    except ValidationError as exc:
        raise EventSchemaError(f"{event_type}: {exc}") from exc


def encode_event(event: DomainEvent) -> tuple[str, int, dict[str, Any]]:
    """(type name, schema version, JSON-ready payload) for storing an event."""
    return type(event).type_name(), type(event).schema_version, event.model_dump(mode="json")
