"""An event encoded for the ledger before the committer takes it: every canonical fragment.

Why apart from the transaction: encoding (payload to RFC 8785 JSON, actor, trace, timestamps)
is most of an append's CPU, and it runs on the caller's thread so the single committer's
critical path only adds positions, the chain hash and the insert.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from uprflow.domain.envelope import Actor, NewEvent, Trace
from uprflow.domain.events import DomainEvent
from uprflow.store.canonical import canonical_flat, canonical_json, canonical_str, encode_str
from uprflow.store.timefmt import format_ts


@dataclass(slots=True)
class Prepared:
    """An event encoded outside the lock: every canonical fragment but the positions."""

    new: NewEvent
    event_id: str
    event_type: str
    schema_version: int
    cycle_id: str
    occurred_at: str
    occurred_dt: datetime
    head: str  # canonical JSON of the fixed leading members
    payload: str
    trace: str
    actor: str

    def content(self, stream_id: str) -> tuple[Any, ...]:
        return (
            stream_id,
            self.event_type,
            self.schema_version,
            self.occurred_at,
            self.actor,
            self.trace,
            self.payload,
        )


# Per event class: (type name, its canonical JSON, schema version).
_CLASS_INFO: dict[type[DomainEvent], tuple[str, str, int]] = {}
# Canonical actor objects by value (few distinct actors; bounded).
_ACTORS: dict[tuple[Any, ...], str] = {}
_ACTORS_MAX = 1024
_TRACE_KEYS = ("causation_id", "correlation_id", "request_id", "run_id", "workflow_id")


def _class_info(cls: type[DomainEvent]) -> tuple[str, str, int]:
    info = _CLASS_INFO.get(cls)
    if info is None:
        name = cls.type_name()
        info = _CLASS_INFO[cls] = (name, canonical_str(name), cls.schema_version)
    return info


def actor_json(actor: Actor) -> str:
    fields = actor.__dict__
    key = tuple(fields.values())
    text = _ACTORS.get(key)
    if text is None:
        text = canonical_flat(fields)
        if len(_ACTORS) < _ACTORS_MAX:
            _ACTORS[key] = text
    return text


def trace_json(trace: Trace) -> str:
    fields = trace.__dict__
    if len(fields) != len(_TRACE_KEYS):  # pragma: no cover - the model changed shape
        return canonical_flat(fields)
    # Why by hand: five optional strings in sorted key order; json's C string escaper gives
    # the RFC 8785 form of each (tested against rfc8785).
    parts = []
    for k in _TRACE_KEYS:
        v = fields[k]
        parts.append(f'"{k}":null' if v is None else f'"{k}":{encode_str(v)}')
    return "{" + ",".join(parts) + "}"


def prepare(new: NewEvent) -> Prepared:
    event = new.event
    type_name, type_json, schema_version = _class_info(type(event))
    payload = event.model_dump(mode="json")
    event_id = str(new.event_id)
    occurred_dt = new.occurred_at.astimezone(UTC)
    occurred = format_ts(occurred_dt)
    # Actor and trace are flat string fields, the other members plain strings: no float or
    # key-order corner case of RFC 8785 can occur, so they skip the payload's shape check.
    actor = actor_json(new.actor)
    head = (
        f'{{"actor":{actor},"cycle_id":{encode_str(event.cycle_id)},'
        f'"event_id":"{event_id}","event_type":{type_json},'
        f'"occurred_at":"{occurred}",'
    )
    return Prepared(
        new,
        event_id,
        type_name,
        schema_version,
        event.cycle_id,
        occurred,
        occurred_dt,
        head,
        canonical_json(payload),
        trace_json(new.trace),
        actor,
    )


def stored_content(body: bytes) -> tuple[Any, ...]:
    doc = json.loads(body)
    return (
        doc["stream_id"],
        doc["event_type"],
        doc["schema_version"],
        doc["occurred_at"],
        canonical_json(doc["actor"]),
        canonical_json(doc["trace"]),
        canonical_json(doc["payload"]),
    )
