"""Tampering with raw SQL, the way a privileged attacker would (triggers dropped first)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable

import rfc8785
import sqlalchemy as sa

from tests.store.conftest import drop_triggers
from tests.store.scenario import new, notice
from uprflow.store.checkpoints import record_checkpoint
from uprflow.store.ledger import Ledger

N = 10


def fill(ledger: Ledger) -> None:
    """Ten events over three streams, then a checkpoint at the head."""
    for i in range(1, N + 1):
        ledger.append(f"s{i % 3}", [new(notice("C1", i))])
    record_checkpoint(ledger.engine)


def _row(conn: sa.Connection, position: int) -> sa.Row:
    row = conn.exec_driver_sql(
        f"SELECT position, body, prev_hash, hash FROM events WHERE position = {position}"
    ).one()
    return row


def _set(conn: sa.Connection, position: int, **values: object) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    conn.execute(
        sa.text(f"UPDATE events SET {sets} WHERE position = :p"), {**values, "p": position}
    )


def alter_body(conn: sa.Connection) -> None:
    body = bytes(_row(conn, 5).body).replace(b'"n-5"', b'"n-X"')
    _set(conn, 5, body=body)


def alter_column(conn: sa.Connection) -> None:
    """Index columns are generated: rebuild the table with plain ones, then move an event."""
    conn.exec_driver_sql("CREATE TABLE events_copy AS SELECT * FROM events")
    conn.exec_driver_sql("DROP TABLE events")
    conn.exec_driver_sql("ALTER TABLE events_copy RENAME TO events")
    conn.exec_driver_sql("UPDATE events SET stream_id = 'evil' WHERE position = 5")


def alter_and_rehash(conn: sa.Connection) -> None:
    row = _row(conn, 5)
    body = bytes(row.body).replace(b'"n-5"', b'"n-X"')
    _set(conn, 5, body=body, hash=hashlib.sha256(bytes(row.prev_hash) + body).digest())


def remove(conn: sa.Connection) -> None:
    conn.exec_driver_sql("DELETE FROM events WHERE position = 5")


def remove_first(conn: sa.Connection) -> None:
    conn.exec_driver_sql("DELETE FROM events WHERE position = 1")


def insert(conn: sa.Connection) -> None:
    """Make room at 5 and insert a forged, correctly linked event there."""
    conn.exec_driver_sql("UPDATE events SET position = position + 1000 WHERE position >= 5")
    conn.exec_driver_sql("UPDATE events SET position = position - 999 WHERE position >= 1000")
    prev = _row(conn, 4)
    doc = json.loads(bytes(prev.body))
    doc.update(
        position=5,
        prev_position=4,
        event_id=str(uuid.uuid4()),
        stream_id="forged",
        stream_version=1,
    )
    body = rfc8785.dumps(doc)
    conn.execute(
        sa.text("INSERT INTO events (position, body, prev_hash, hash) VALUES (5, :b, :p, :h)"),
        {"b": body, "p": bytes(prev.hash), "h": hashlib.sha256(bytes(prev.hash) + body).digest()},
    )


def reorder(conn: sa.Connection) -> None:
    conn.exec_driver_sql("UPDATE events SET position = -1 WHERE position = 5")
    conn.exec_driver_sql("UPDATE events SET position = 5 WHERE position = 6")
    conn.exec_driver_sql("UPDATE events SET position = 6 WHERE position = -1")


def truncate(conn: sa.Connection) -> None:
    conn.exec_driver_sql("DELETE FROM events WHERE position >= 8")


# Another type or length than written (issue 12, item 10). SQLite's BLOB columns take any
# type; PostgreSQL's bytea takes only bytes and its generated columns refuse a body that is not
# UTF-8 JSON, so the type changes are SQLite-only there.


def body_as_text(conn: sa.Connection) -> None:
    conn.exec_driver_sql("UPDATE events SET body = CAST(body AS TEXT) WHERE position = 5")


def hash_as_text(conn: sa.Connection) -> None:
    """The same bytes as TEXT: the hash holds bytes that are not UTF-8 (a decoding trap)."""
    conn.exec_driver_sql("UPDATE events SET hash = CAST(hash AS TEXT) WHERE position = 5")


def hash_as_hex_text(conn: sa.Connection) -> None:
    conn.exec_driver_sql("UPDATE events SET hash = hex(hash) WHERE position = 5")


def prev_hash_as_text(conn: sa.Connection) -> None:
    conn.exec_driver_sql("UPDATE events SET prev_hash = hex(prev_hash) WHERE position = 5")


def hash_as_integer(conn: sa.Connection) -> None:
    conn.exec_driver_sql("UPDATE events SET hash = 5 WHERE position = 5")


def prev_hash_as_real(conn: sa.Connection) -> None:
    conn.exec_driver_sql("UPDATE events SET prev_hash = 1.5 WHERE position = 5")


def body_not_utf8(conn: sa.Connection) -> None:
    body = bytes(_row(conn, 5).body).replace(b'"n-5"', b'"n-\xff\xfe"')
    _set(conn, 5, body=body)


def body_not_utf8_rehashed(conn: sa.Connection) -> None:
    row = _row(conn, 5)
    body = bytes(row.body).replace(b'"n-5"', b'"n-\xff\xfe"')
    _set(conn, 5, body=body, hash=hashlib.sha256(bytes(row.prev_hash) + body).digest())


def body_lone_surrogate_rehashed(conn: sa.Connection) -> None:
    """Valid UTF-8 JSON that escapes a lone surrogate (the writer's RFC 8785 refuses one)."""
    row = _row(conn, 5)
    body = bytes(row.body).replace(b'"n-5"', b'"n-\\ud800"')
    _set(conn, 5, body=body, hash=hashlib.sha256(bytes(row.prev_hash) + body).digest())


def hash_short(conn: sa.Connection) -> None:
    _set(conn, 5, hash=bytes(_row(conn, 5).hash)[:31])


def prev_hash_long(conn: sa.Connection) -> None:
    _set(conn, 5, prev_hash=bytes(_row(conn, 5).prev_hash) + b"\x00")


def hash_empty(conn: sa.Connection) -> None:
    _set(conn, 5, hash=b"")


def _drop_not_null(conn: sa.Connection, column: str) -> None:
    """What a privileged writer does first to store a NULL (the generated columns stay)."""
    if conn.dialect.name == "sqlite":
        version = conn.exec_driver_sql("PRAGMA schema_version").scalar()
        conn.exec_driver_sql("PRAGMA writable_schema = ON")
        conn.execute(
            sa.text(
                "UPDATE sqlite_master SET sql = replace(sql, :old, :new) WHERE name = 'events'"
            ),
            {"old": f"{column} BLOB NOT NULL", "new": f"{column} BLOB"},
        )
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version or 0) + 1}")
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    else:
        conn.exec_driver_sql(f"ALTER TABLE events ALTER COLUMN {column} DROP NOT NULL")


def hash_null(conn: sa.Connection) -> None:
    _drop_not_null(conn, "hash")
    conn.exec_driver_sql("UPDATE events SET hash = NULL WHERE position = 5")


def prev_hash_null(conn: sa.Connection) -> None:
    _drop_not_null(conn, "prev_hash")
    conn.exec_driver_sql("UPDATE events SET prev_hash = NULL WHERE position = 5")


#: name -> (tamper, expected first bad position, expected kind)
TAMPERS: dict[str, tuple[Callable[[sa.Connection], None], int, str]] = {
    "altered-body": (alter_body, 5, "altered"),
    "altered-column": (alter_column, 0, "altered"),
    "altered-rehashed": (alter_and_rehash, 5, "altered"),
    "removed": (remove, 5, "removed"),
    "removed-first": (remove_first, 1, "removed"),
    "inserted": (insert, 5, "inserted"),
    "reordered": (reorder, 5, "reordered"),
    "truncated": (truncate, 8, "truncated"),
    "body-as-text": (body_as_text, 5, "altered"),
    "hash-as-text": (hash_as_text, 5, "altered"),
    "hash-as-hex-text": (hash_as_hex_text, 5, "altered"),
    "prev-hash-as-text": (prev_hash_as_text, 5, "altered"),
    "hash-as-integer": (hash_as_integer, 5, "altered"),
    "prev-hash-as-real": (prev_hash_as_real, 5, "altered"),
    "body-not-utf8": (body_not_utf8, 5, "altered"),
    "body-not-utf8-rehashed": (body_not_utf8_rehashed, 5, "altered"),
    "body-lone-surrogate-rehashed": (body_lone_surrogate_rehashed, 5, "altered"),
    "hash-short": (hash_short, 5, "altered"),
    "prev-hash-long": (prev_hash_long, 5, "altered"),
    "hash-empty": (hash_empty, 5, "altered"),
    "hash-null": (hash_null, 5, "altered"),
    "prev-hash-null": (prev_hash_null, 5, "altered"),
}

#: Kinds PostgreSQL cannot store (bytea takes only bytes; the generated columns parse the
#: body as UTF-8 JSON): there the database itself refuses the change.
SQLITE_ONLY = frozenset(
    {
        "body-as-text",
        "hash-as-text",
        "hash-as-hex-text",
        "prev-hash-as-text",
        "hash-as-integer",
        "prev-hash-as-real",
        "body-not-utf8",
        "body-not-utf8-rehashed",
        "body-lone-surrogate-rehashed",
    }
)


def tamper(engine: sa.Engine, name: str) -> None:
    drop_triggers(engine)
    with engine.begin() as conn:
        TAMPERS[name][0](conn)
