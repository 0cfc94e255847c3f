"""Reading the ledger for the audit routes: pages of the whole log or of one cycle."""

from __future__ import annotations

import sqlalchemy as sa

from uprflow.api.schemas.audit import EventPage, ledger_event
from uprflow.domain.envelope import EventEnvelope
from uprflow.store.reading import envelope_from_body, head, read_all
from uprflow.store.schema import events


def _page(batch: list[EventEnvelope], limit: int, head_position: int) -> EventPage:
    full = len(batch) == limit and batch[-1].position < head_position
    return EventPage(
        events=[ledger_event(e) for e in batch],
        next_after=batch[-1].position if full else None,
        head_position=head_position,
    )


def read_log(engine: sa.Engine, after: int, limit: int) -> EventPage:
    """Up to ``limit`` events after position ``after``, and the ledger's head position."""
    with engine.connect() as conn:
        batch = read_all(conn, after_position=after, limit=limit)
        return _page(batch, limit, head(conn).position)


def read_cycle_page(engine: sa.Engine, cycle_id: str, after: int, limit: int) -> EventPage | None:
    """Up to ``limit`` of the cycle's events after ``after`` (every stream of the cycle), and
    the cycle's last position; None when the ledger has no event of that cycle."""
    with engine.connect() as conn:
        known = conn.execute(
            sa.select(events.c.position).where(events.c.cycle_id == cycle_id).limit(1)
        ).first()
        if known is None:
            return None
        rows = conn.execute(
            sa.select(events.c.body)
            .where(events.c.cycle_id == cycle_id, events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        batch = [envelope_from_body(r.body) for r in rows]
        last = conn.execute(
            sa.select(sa.func.max(events.c.position)).where(events.c.cycle_id == cycle_id)
        ).scalar()
    return _page(batch, limit, int(last or 0))
