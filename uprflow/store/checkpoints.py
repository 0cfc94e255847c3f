"""Checkpoints: (position, head hash, time) records of the chain head.

Published checkpoints make truncation and wholesale rewriting detectable: ``audit verify``
fails when the log ends before a checkpoint or the chain no longer reaches its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from uprflow.store.db import as_engine, lock_for_write, write_connection
from uprflow.store.hashing import GENESIS
from uprflow.store.schema import checkpoints, events
from uprflow.store.timefmt import format_ts, parse_ts, utc_now


@dataclass(frozen=True)
class Checkpoint:
    """A recorded chain head. ``head_hash`` is hex."""

    position: int
    head_hash: str
    recorded_at: datetime


def record_checkpoint(bind: Engine | str) -> Checkpoint:
    """Record the current head as a checkpoint and return it.

    An empty ledger records nothing (position 0, the genesis hash); an unchanged head returns
    the latest checkpoint instead of recording a duplicate.
    """
    engine = as_engine(bind)
    with write_connection(engine) as conn, conn.begin():
        # Why: under the writer lock the head cannot move between reading and recording it.
        lock_for_write(conn)
        head = conn.execute(
            sa.select(events.c.position, events.c.hash).order_by(events.c.position.desc()).limit(1)
        ).first()
        if head is None:
            return Checkpoint(0, GENESIS.hex(), utc_now())
        latest = latest_checkpoint(conn)
        if latest is not None and latest.position == head.position:
            return latest
        now = format_ts(utc_now())
        conn.execute(
            checkpoints.insert().values(
                position=head.position, head_hash=head.hash, recorded_at=now
            )
        )
        return Checkpoint(head.position, bytes(head.hash).hex(), parse_ts(now))


def latest_checkpoint(conn: Connection) -> Checkpoint | None:
    """The checkpoint with the highest position, if any."""
    row = conn.execute(
        sa.select(checkpoints.c.position, checkpoints.c.head_hash, checkpoints.c.recorded_at)
        .order_by(checkpoints.c.position.desc(), checkpoints.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return Checkpoint(row.position, bytes(row.head_hash).hex(), parse_ts(row.recorded_at))


def all_checkpoints(conn: Connection) -> list[Checkpoint]:
    """Every checkpoint, oldest first."""
    rows = conn.execute(
        sa.select(
            checkpoints.c.position, checkpoints.c.head_hash, checkpoints.c.recorded_at
        ).order_by(checkpoints.c.id)
    ).all()
    return [Checkpoint(r.position, bytes(r.head_hash).hex(), parse_ts(r.recorded_at)) for r in rows]
