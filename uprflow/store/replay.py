"""Time travel: fold a stream or a whole cycle as it stood at an instant."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy.engine import Engine

from uprflow.domain.fold import fold
from uprflow.domain.state import CycleState
from uprflow.store.db import as_engine
from uprflow.store.reading import read_cycle, read_stream

TimeAxis = Literal["recorded", "occurred"]


def stream_state(
    bind: Engine | str, stream_id: str, as_of: datetime | None = None, by: TimeAxis = "recorded"
) -> CycleState | None:
    """The fold of one stream's events known at ``as_of`` (None: no such events).

    ``by="recorded"`` (default) answers "what did the ledger know then"; ``"occurred"`` uses
    business time instead.
    """
    with as_engine(bind).connect() as conn:
        envelopes = read_stream(conn, stream_id, as_of=as_of, by=by)
    if not envelopes:
        return None
    return fold(envelopes, envelopes[0].cycle_id)


def cycle_state(
    bind: Engine | str, cycle_id: str, as_of: datetime | None = None, by: TimeAxis = "recorded"
) -> CycleState | None:
    """The fold of every stream of a cycle at ``as_of`` (None: no such events)."""
    with as_engine(bind).connect() as conn:
        envelopes = read_cycle(conn, cycle_id, as_of=as_of, by=by)
    if not envelopes:
        return None
    return fold(envelopes, cycle_id)
