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
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from uprflow.store.checkpoints import all_checkpoints, record_checkpoint
from uprflow.store.db import as_engine, is_sqlite
from uprflow.store.hashing import GENESIS
from uprflow.store.schema import events
from uprflow.store.timefmt import format_ts, utc_now

FORMAT = "uprflow-ledger-export"


@dataclass(frozen=True)
class ExportSummary:
    """What was written."""

    events: int
    head_position: int
    head_hash: str
    checkpoints: int


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
        result = conn.execute(
            sa.select(events.c.position, events.c.prev_hash, events.c.hash, events.c.body)
            .order_by(events.c.position)
            .execution_options(yield_per=4096)
        )
        for pos, prev, hsh, body in result:
            text = bytes(body).decode("utf-8")
            head_pos, head_hash = pos, bytes(hsh).hex()
            line(
                {
                    "kind": "event",
                    "position": pos,
                    "prev_hash": bytes(prev).hex(),
                    "hash": head_hash,
                    "body": text,
                    "event": json.loads(text),
                }
            )
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
