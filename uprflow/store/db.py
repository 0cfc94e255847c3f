"""Engine factory: SQLite (WAL) or PostgreSQL (psycopg) with the ledger's settings.

SQLite durability: ``journal_mode=WAL`` with ``synchronous=FULL``. WAL lets readers run
while one writer commits; FULL makes SQLite fsync the WAL on every commit, so an append that
was acknowledged survives a power loss (NORMAL would only survive a process crash, and an
audit ledger must not lose acknowledged facts). Group commit amortises the fsync.

Transactions on SQLite are started by us (the driver's implicit BEGIN is switched off):
ordinary ones with ``BEGIN`` (deferred, a read snapshot), ledger writes with
``BEGIN IMMEDIATE`` (see :func:`write_connection`), which takes the single write lock up front
so a writer never has to upgrade a stale read snapshot.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

#: Execution option that asks for a write (locked) transaction.
WRITE_OPTION = "uprflow_write"
#: Key of the PostgreSQL advisory lock that serialises ledger writers.
PG_LEDGER_LOCK = 0x75707266  # "uprf"

SQLITE_PRAGMAS = (
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA cache_size=-32000",
)


def _enable_wal(cur: Any, timeout: float = 30.0) -> None:
    # Why a loop: switching a fresh file to WAL needs a moment of exclusive access and SQLite
    # does not wait for it (no busy handler), so processes starting together (API and worker
    # migrating a new database) would otherwise fail with "database is locked".
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def is_sqlite(bind: Engine | Connection) -> bool:
    """True for a SQLite engine or connection."""
    return bind.dialect.name == "sqlite"


def make_engine(url: str | sa.URL, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the ledger's connection settings."""
    u = sa.make_url(url)
    if u.get_backend_name() == "sqlite":
        engine = sa.create_engine(
            u, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            try:
                _enable_wal(cur)
                for pragma in SQLITE_PRAGMAS:
                    cur.execute(pragma)
            finally:
                cur.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get(WRITE_OPTION, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(u, **kwargs)


def as_engine(bind: Engine | str) -> Engine:
    """An engine for a URL, or the engine itself."""
    return bind if isinstance(bind, Engine) else make_engine(bind)


def lock_for_write(conn: Connection) -> None:
    """Serialise ledger writers for the rest of the current transaction.

    Why: global position order must equal commit order so a reader following the log never
    skips an event. On PostgreSQL a transaction-scoped advisory lock is held until commit, so
    the next writer reads the head only after the previous one is visible. On SQLite the
    ``BEGIN IMMEDIATE`` of a write connection already holds the database write lock.
    """
    if not is_sqlite(conn):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LEDGER_LOCK})")


def write_connection(engine: Engine) -> Connection:
    """A connection whose transactions take the SQLite write lock at BEGIN."""
    return engine.connect().execution_options(**{WRITE_OPTION: True})
