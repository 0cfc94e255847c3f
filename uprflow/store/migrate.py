"""Apply Alembic migrations programmatically (no ini file, independent of the cwd).

Safe to call concurrently from the API and worker processes at startup: the whole upgrade
runs in one transaction that first takes a lock (PostgreSQL advisory lock; SQLite
``BEGIN IMMEDIATE``), so the second caller waits, then finds the schema at head and does
nothing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from uprflow.store.db import as_engine, is_sqlite, write_connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
PG_MIGRATE_LOCK = 0x75706D67  # "upmg"


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(bind: Engine | str, revision: str = "head") -> str | None:
    """Upgrade the database to ``revision`` and return the revision it is at afterwards."""
    engine = as_engine(bind)
    cfg = alembic_config()
    with write_connection(engine) as conn, conn.begin():
        if not is_sqlite(conn):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATE_LOCK})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        return MigrationContext.configure(conn).get_current_revision()


def current_revision(bind: Engine | str) -> str | None:
    """The revision the database is at (None when never migrated)."""
    engine = as_engine(bind)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
