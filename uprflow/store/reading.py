"""Reading the ledger: streams, cycles, the whole log, the head.

Readers follow the log by position (``position > after``), never assuming positions are
contiguous: a reader must tolerate gaps (e.g. rows removed by a restore or positions skipped
by another writer implementation). Writers commit in position order (see
:func:`store.db.lock_for_write`), so a reader that has seen position ``p`` has seen every
committed event below ``p``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from uprflow.domain.envelope import EventEnvelope
from uprflow.store.hashing import GENESIS
from uprflow.store.schema import events
from uprflow.store.timefmt import format_ts


@dataclass(frozen=True)
class Head:
    """The last event of the log (position 0 and the genesis hash when empty)."""

    position: int
    hash: str


def envelope_from_body(body: bytes) -> EventEnvelope:
    """Decode the hashed bytes of an event into its envelope."""
    doc: dict[str, Any] = json.loads(body)
    doc.pop("prev_position", None)
    return EventEnvelope.model_validate(doc)


def _as_of_clause(as_of: datetime | None, by: str) -> list[sa.ColumnElement[bool]]:
    if as_of is None:
        return []
    column = events.c.recorded_at if by == "recorded" else events.c.occurred_at
    # Why: fixed-width UTC text compares chronologically on both backends.
    return [column <= format_ts(as_of)]


def read_stream(
    conn: Connection,
    stream_id: str,
    *,
    after_version: int = 0,
    as_of: datetime | None = None,
    by: str = "recorded",
) -> list[EventEnvelope]:
    """Events of one stream in version order (optionally only those known ``as_of``)."""
    q = (
        sa.select(events.c.body)
        .where(events.c.stream_id == stream_id, events.c.stream_version > after_version)
        .where(*_as_of_clause(as_of, by))
        .order_by(events.c.stream_version)
    )
    return [envelope_from_body(row.body) for row in conn.execute(q)]


def read_cycle(
    conn: Connection, cycle_id: str, *, as_of: datetime | None = None, by: str = "recorded"
) -> list[EventEnvelope]:
    """Events of every stream of one cycle, in global position order."""
    q = (
        sa.select(events.c.body)
        .where(events.c.cycle_id == cycle_id)
        .where(*_as_of_clause(as_of, by))
        .order_by(events.c.position)
    )
    return [envelope_from_body(row.body) for row in conn.execute(q)]


def read_all(
    conn: Connection, *, after_position: int = 0, limit: int = 1000
) -> list[EventEnvelope]:
    """Up to ``limit`` events after ``after_position`` in position order (a page of the log)."""
    q = (
        sa.select(events.c.body)
        .where(events.c.position > after_position)
        .order_by(events.c.position)
        .limit(limit)
    )
    return [envelope_from_body(row.body) for row in conn.execute(q)]


def iter_all(
    engine: Engine, *, after_position: int = 0, page: int = 5000
) -> Iterator[EventEnvelope]:
    """Follow the whole log page by page (each page its own short read transaction)."""
    position = after_position
    while True:
        with engine.connect() as conn:
            batch = read_all(conn, after_position=position, limit=page)
        if not batch:
            return
        yield from batch
        position = batch[-1].position


def head(conn: Connection) -> Head:
    """The current head of the log."""
    row = conn.execute(
        sa.select(events.c.position, events.c.hash).order_by(events.c.position.desc()).limit(1)
    ).first()
    if row is None:
        return Head(0, GENESIS.hex())
    return Head(row.position, bytes(row.hash).hex())


def stream_version(conn: Connection, stream_id: str) -> int:
    """The current version of a stream (0 when it has no events)."""
    value = conn.execute(
        sa.select(sa.func.max(events.c.stream_version)).where(events.c.stream_id == stream_id)
    ).scalar()
    return int(value or 0)
