"""Reading a test's ledger directly (to show what a command wrote, or that it wrote nothing)."""

from __future__ import annotations

import sqlalchemy as sa

from uprflow.store.db import make_engine
from uprflow.store.schema import events


def event_count(url: str) -> int:
    """How many events the ledger at ``url`` holds."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one())
    finally:
        engine.dispose()
