"""``audit export``: the ledger as JSON Lines an auditor can check with the standard library.

Lines, in order::

    {"kind": "header", "format": "uprflow-ledger-export", "version": 1, ...}
    {"kind": "event", "position": p, "prev_hash": hex, "hash": hex, "body": "<hashed bytes>",
     "event": {...the envelope, as parsed from body...}}
    {"kind": "checkpoint", "position": p, "head_hash": hex, "recorded_at": "..."}
    {"kind": "end", "head_position": p, "head_hash": hex, "events": n}

``body`` is the exact UTF-8 text whose bytes were hashed, so a verifier needs no JSON
canonicaliser: it checks ``sha256(prev_hash || body) == hash`` along the chain and that
``body`` parses to ``event``. ``tools/verify_export.py`` does that.

A row whose stored values are not what the writer stores (text where bytes were written, a
hash of the wrong length, a body that is not UTF-8 JSON: a writer with SQL access did it) is
still exported, with a ``"stored"`` field saying what is wrong; the verifier reports it as
altered at its position, and the export goes on to the end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from uprflow.store.chainwalk import malformed
from uprflow.store.checkpoints import all_checkpoints, record_checkpoint
from uprflow.store.db import as_engine, is_sqlite
from uprflow.store.hashing import GENESIS
from uprflow.store.timefmt import format_ts, utc_now
from uprflow.store.verify import lenient_text

FORMAT = "uprflow-ledger-export"
# Raw SQL, no typed columns: SQLAlchemy's binary type would turn an integer into zero bytes
# and raise on text, hiding or aborting on exactly the rows an auditor must see.
_SCAN = "SELECT position, prev_hash, hash, body FROM events ORDER BY position"


@dataclass(frozen=True)
class ExportSummary:
    """What was written."""

    events: int
    head_position: int
    head_hash: str
    checkpoints: int


def _raw(value: object) -> object:
    return bytes(value) if isinstance(value, (memoryview, bytearray)) else value


def _hex(value: object) -> str:
    """Hex of stored bytes; of text, its UTF-8 bytes; of anything else, nothing."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str):
        return value.encode("utf-8", "replace").hex()
    return ""


def _has_lone_surrogate(event: object) -> bool:
    try:
        json.dumps(event, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError, ValueError):
        return True
    return False


def event_line(pos: object, prev: object, hsh: object, body: object) -> dict[str, Any]:
    """One event line; ``stored`` says why the row is not as written, when it is not."""
    prev, hsh, body = _raw(prev), _raw(hsh), _raw(body)
    why = malformed((pos, prev, hsh, body, True))  # type: ignore[arg-type]
    if isinstance(body, bytes):
        text = body.decode("utf-8", "replace")
        if why is None and text.encode("utf-8") != body:
            why = "body is not UTF-8"
    else:
        text = body if isinstance(body, str) else ""
    try:
        event = json.loads(text)
    except (ValueError, RecursionError):
        event = None
        why = why or "body is not JSON"
    if "\\u" in text and _has_lone_surrogate(event):
        # The writer canonicalises with RFC 8785, which refuses lone surrogates; a body that
        # escapes one was written by someone else, and the line could not be written as UTF-8.
        event = None
        why = why or "body escapes a lone surrogate"
    doc: dict[str, Any] = {
        "kind": "event",
        "position": pos,
        "prev_hash": _hex(prev),
        "hash": _hex(hsh),
        "body": text,
        "event": event,
    }
    if why is not None:
        doc["stored"] = why
    return doc


def export(bind: Engine | str, out: TextIO, *, checkpoint: bool = True) -> ExportSummary:
    """Write the whole ledger to ``out``; first record a checkpoint of the head if asked."""
    engine = as_engine(bind)
    if checkpoint:
        record_checkpoint(engine)

    def line(obj: object) -> None:
        out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")

    line(
        {
            "kind": "header",
            "format": FORMAT,
            "version": 1,
            "exported_at": format_ts(utc_now()),
            "hash": "sha256(prev_hash || body)",
            "genesis": GENESIS.hex(),
        }
    )
    count, head_pos, head_hash = 0, 0, GENESIS.hex()
    with engine.connect() as conn:
        if not is_sqlite(conn):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        # One read snapshot for events and checkpoints (SQLite WAL: from the first read on).
        conn.begin()
        cps = all_checkpoints(conn)
        with lenient_text(conn):
            result = conn.execute(sa.text(_SCAN).execution_options(yield_per=4096))
            for row in result:
                doc = event_line(*row)
                head_pos, head_hash = doc["position"], doc["hash"]
                line(doc)
                count += 1
        conn.rollback()
    for cp in cps:
        line(
            {
                "kind": "checkpoint",
                "position": cp.position,
                "head_hash": cp.head_hash,
                "recorded_at": format_ts(cp.recorded_at),
            }
        )
    line({"kind": "end", "head_position": head_pos, "head_hash": head_hash, "events": count})
    return ExportSummary(count, head_pos, head_hash, len(cps))
