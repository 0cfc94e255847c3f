"""Fixtures for the store contract suite (every test runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    """A migrated engine on a fresh database."""
    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def ledger(engine: sa.Engine) -> Iterator[Ledger]:
    """A ledger on the fresh database."""
    led = Ledger(engine)
    yield led
    led.close()


def drop_triggers(engine: sa.Engine) -> None:
    """Remove the append-only triggers (what a privileged attacker would do first)."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER events_no_update")
            conn.exec_driver_sql("DROP TRIGGER events_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER events_no_update_delete ON events")
