"""Walk a hash chain and name the first bad position and what is wrong with it.

STANDARD LIBRARY ONLY: ``tools/verify_export.py`` embeds this module verbatim (a test checks
the copy), so an auditor can verify an export without installing uprflow.

A row is ``(position, prev_hash, hash, body, cols_ok)`` in storage order: ``position``
where the row sits (the table column or the export line), ``body`` the hashed bytes
(canonical JSON of the envelope, which claims its own ``position`` and the ``prev_position`` of
its predecessor), ``cols_ok`` whether the row's other fields agree with the body.

Fast path: positions run 1, 2, 3, ... without gaps (the writer allocates them under its lock),
each row links to the previous hash, and each body hashes to its hash. Then every body's
claimed positions equal the row positions by induction (the genesis row is the original first
event, and each link fixes the next original body), so the claims are parsed only for the
rare bad row, which is classified by looking at its neighbours:

- altered   the body no longer hashes to the stored hash, a field disagrees with the body,
            a value is stored as another type or length than written (text for bytes, a
            31-byte hash, NULL), or a predecessor was rewritten (its successor recorded
            another hash)
- removed   a row claims a predecessor that is missing
- inserted  a row that its neighbours do not link to
- reordered rows whose claimed positions run backwards
- truncated the log ends before a checkpoint (or the export's recorded head)

Positions are allocated without gaps under the writer lock, so the first missing position
after an accepted row ``p`` is ``p + 1``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

GENESIS = bytes(32)

Row = tuple[int, bytes, bytes, bytes, bool]


@dataclass(frozen=True)
class Problem:
    """The first defect found: where and what."""

    position: int
    kind: str  # altered | removed | inserted | reordered | truncated
    detail: str


@dataclass(frozen=True)
class WalkResult:
    """Outcome of a walk: rows accepted, the last good position and hash, the first problem."""

    checked: int
    last_position: int
    last_hash: bytes
    problem: Problem | None

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return self.problem is None


def _claims(body: object) -> tuple[int, int] | None:
    try:
        doc = json.loads(body)  # type: ignore[arg-type]
        return int(doc["position"]), int(doc["prev_position"])
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        return None


def _kind(value: object) -> str:
    return "NULL" if value is None else type(value).__name__


def malformed(row: Row) -> str | None:
    """Why a row's stored values are not of the type and length the writer stores, if so.

    Why this exists: a writer with SQL access can store any type in a column (SQLite's BLOB
    columns take text, integers, reals), and a value of the wrong type must be reported as
    tampering at its position, never crash the walker (``bytes + str``)."""
    pos, prev_hash, hsh, body, _ = row
    if type(pos) is not int:
        return f"the position is stored as {_kind(pos)}, not an integer"
    for name, value in (("prev_hash", prev_hash), ("hash", hsh), ("body", body)):
        if type(value) is not bytes:
            return f"{name} is stored as {_kind(value)}, not bytes"
    for name, value in (("prev_hash", prev_hash), ("hash", hsh)):
        if len(value) != len(GENESIS):
            return f"{name} is {len(value)} bytes long, not {len(GENESIS)}"
    return None


def walk(rows: Iterable[Row], checkpoints: Mapping[int, bytes] | None = None) -> WalkResult:
    """Check every row; stop at the first problem. ``checkpoints``: position -> head hash."""
    cps = dict(checkpoints or {})
    sha256 = hashlib.sha256
    it: Iterator[Row] = iter(rows)
    last_pos, last_hash, last_prev = 0, GENESIS, GENESIS
    checked = 0
    for row in it:
        pos, prev_hash, hsh, body, cols_ok = row
        try:
            good = (
                cols_ok
                and pos == last_pos + 1
                and prev_hash == last_hash
                and sha256(prev_hash + body).digest() == hsh
            )
        except TypeError:  # a value of another type than written: classified below
            good = False
        if good:
            if pos in cps and cps.pop(pos) != hsh:
                problem = Problem(
                    pos,
                    "altered",
                    "the chain up to here was rewritten: head hash differs "
                    "from the checkpoint recorded for this position",
                )
                return WalkResult(checked, last_pos, last_hash, problem)
            last_pos, last_prev, last_hash = pos, prev_hash, hsh
            checked += 1
            continue
        nxt = next(it, None)
        problem = _classify(row, nxt, last_pos, last_hash, last_prev)
        return WalkResult(checked, last_pos, last_hash, problem)
    pending = [p for p in cps if p > last_pos]
    if pending:
        cp = max(pending)
        problem = Problem(
            last_pos + 1,
            "truncated",
            f"the log ends at position {last_pos} but a checkpoint covers position {cp}",
        )
        return WalkResult(checked, last_pos, last_hash, problem)
    return WalkResult(checked, last_pos, last_hash, None)


def _classify(
    row: Row, nxt: Row | None, last_pos: int, last_hash: bytes, last_prev: bytes
) -> Problem:
    why = malformed(row)
    if why is not None:
        at = row[0] if type(row[0]) is int else last_pos + 1
        return Problem(at, "altered", why)
    pos, prev_hash, hsh, body, cols_ok = row
    if not cols_ok:
        return Problem(
            pos, "altered", "a stored field disagrees with the hashed body or its stored type"
        )
    if hashlib.sha256(prev_hash + body).digest() != hsh:
        return Problem(pos, "altered", "the body does not hash to the stored hash")
    claims = _claims(body)
    if claims is None:
        return Problem(pos, "altered", "the hashed body does not name its positions")
    claimed_pos, claimed_prev = claims
    if last_pos > 0 and prev_hash == last_prev:
        return Problem(
            last_pos,
            "inserted",
            f"position {last_pos} is not part of the chain: the next event links past it",
        )
    nxt_claims = _claims(nxt[3]) if nxt is not None else None
    if pos <= last_pos or (nxt_claims is not None and nxt_claims[0] < claimed_pos):
        first = min(claimed_pos, nxt_claims[0]) if nxt_claims else min(claimed_pos, pos)
        return Problem(first, "reordered", "events appear out of their recorded order")
    if claimed_prev > last_pos:
        return Problem(
            last_pos + 1,
            "removed",
            f"event at position {claimed_pos} names predecessor {claimed_prev}, "
            f"but the log jumps from {last_pos}",
        )
    if claimed_pos < pos:
        return Problem(
            claimed_pos, "inserted", f"event recorded at {claimed_pos} was pushed to {pos}"
        )
    if claimed_prev == last_pos and last_pos > 0:
        if nxt is not None and nxt[1] == last_hash:
            return Problem(pos, "inserted", "this event is not linked into the chain")
        return Problem(
            last_pos,
            "altered",
            f"its hash differs from the one position {pos} recorded (rewritten and rehashed)",
        )
    if claimed_pos != pos:
        return Problem(pos, "altered", f"the body claims position {claimed_pos}")
    return Problem(pos, "altered", "the link to the previous event is broken")
