"""``audit verify``: check the whole chain in the database and name the first bad position.

SQLite fast path: one scan whose SQL also checks that the index columns agree with the hashed
body (``json_extract``) and that each body's claimed positions fit the row order (``LAG``);
Python then only hashes. Elsewhere (PostgreSQL, or a body so damaged that SQLite cannot parse
it) the same checks run in Python. Classification of a bad row is :mod:`store.chainwalk`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.chainwalk import Problem, Row, walk
from store.db import as_engine, is_sqlite
from store.schema import checkpoints

_COLUMNS = ("event_id", "stream_id", "stream_version", "event_type", "schema_version",
            "cycle_id", "occurred_at", "recorded_at")  # fmt: skip

_SQLITE_SCAN = (
    "SELECT position, prev_hash, hash, body, "
    + " AND ".join(f"json_extract(b, '$.{c}') IS {c}" for c in _COLUMNS)
    + ", json_extract(b, '$.position') IS position AND json_extract(b, '$.prev_position') IS "
    "COALESCE(LAG(position) OVER (ORDER BY position), 0) "
    "FROM (SELECT *, CAST(body AS TEXT) AS b FROM events) ORDER BY position"
)
_PLAIN_SCAN = (
    "SELECT position, prev_hash, hash, body, " + ", ".join(_COLUMNS) + " FROM events "
    "ORDER BY position"
)


@dataclass(frozen=True)
class VerifyReport:
    """Result of verifying the ledger."""

    checked: int
    head_position: int
    head_hash: str
    checkpoints: int
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _sqlite_rows(conn: Connection) -> Iterator[Row]:
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(_SQLITE_SCAN)
        while batch := cur.fetchmany(4096):
            for pos, prev, hsh, body, cols_ok, claims_ok in batch:
                yield pos, prev, hsh, body, bool(cols_ok), bool(claims_ok)
    finally:
        cur.close()


def _python_rows(conn: Connection) -> Iterator[Row]:
    result = conn.execute(sa.text(_PLAIN_SCAN).execution_options(yield_per=4096))
    for pos, prev, hsh, body, *cols in result:
        body = bytes(body)
        try:
            doc = json.loads(body)
            cols_ok = isinstance(doc, dict) and all(
                doc.get(name) == value for name, value in zip(_COLUMNS, cols, strict=True)
            )
        except ValueError:
            cols_ok = False
        yield pos, bytes(prev), bytes(hsh), body, cols_ok, None


def _checkpoints(conn: Connection) -> dict[int, bytes]:
    rows = conn.execute(
        sa.select(checkpoints.c.position, checkpoints.c.head_hash).order_by(checkpoints.c.id)
    )
    return {int(p): bytes(h) for p, h in rows}


def verify(bind: Engine | str) -> VerifyReport:
    """Verify the chain, the derived columns and the checkpoints; stop at the first problem."""
    engine = as_engine(bind)
    with engine.connect() as conn:
        cps = _checkpoints(conn)
        if is_sqlite(conn):
            try:
                result = walk(_sqlite_rows(conn), cps)
            except Exception:  # sqlite3.OperationalError: malformed JSON in a tampered body
                conn.rollback()
                result = walk(_python_rows(conn), cps)
        else:
            result = walk(_python_rows(conn), cps)
    return VerifyReport(
        checked=result.checked,
        head_position=result.last_position,
        head_hash=result.last_hash.hex(),
        checkpoints=len(cps),
        problem=result.problem,
    )
